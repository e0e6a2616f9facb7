"""Every URL pattern of the project, found by walking the resolver — never from a hand-kept list.

The admin's per-model patterns are tied to the model whose ModelAdmin owns them, found through
admin.site._registry, so a test can fill their object ids with a real object of that model.
"""

import re
from dataclasses import dataclass

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    key: str  # the namespaced URL name ("admin:clinic_patient_change"), or "unnamed:<route>" when unnamed
    route: str  # the whole route, spelled as ResolverMatch.route spells it
    name: str | None  # the namespaced URL name, None for an unnamed pattern
    params: tuple[tuple[str, str], ...]  # (parameter name, converter) for every named parameter
    positional: int  # unnamed regular-expression groups, passed as positional arguments
    model: type | None  # the model whose ModelAdmin owns this pattern; None outside the per-model admin

    def __str__(self):
        return self.key


def _converter_name(converter):
    return type(converter).__name__.removesuffix("Converter").lower()


def _parameters(pattern):
    """(named parameters with their converter, number of positional groups) of one pattern."""
    converters = getattr(pattern, "converters", {})
    if converters:
        return tuple((name, _converter_name(conv)) for name, conv in converters.items()), 0
    regex = pattern.regex
    if regex.groupindex:
        # Django passes only the named groups when there are any.
        return tuple((name, "regex") for name in regex.groupindex), 0
    return (), regex.groups


def _join(route, part):
    # As django.urls.resolvers.URLResolver._join_route: no leading ^ after the first part.
    return route + part.removeprefix("^") if route else part


def _admin_models(site):
    return {f"{model._meta.app_label}/{model._meta.model_name}/": model for model in site._registry}


def discover(resolver=None, site=admin.site):
    """Every URL pattern reachable from the root URLconf, included ones and the admin's, in order."""
    found = []
    owners = _admin_models(site)
    site_namespace = site.name

    def walk(resolver, route, namespaces, params, positional, model):
        for entry in resolver.url_patterns:
            part = str(entry.pattern)
            full = _join(route, part)
            own_params, own_positional = _parameters(entry.pattern)
            all_params = params + own_params
            all_positional = positional + own_positional
            if isinstance(entry, URLResolver):
                inner = [*namespaces, entry.namespace] if entry.namespace else namespaces
                owner = model
                if inner == [site_namespace] and part in owners:
                    owner = owners[part]
                walk(entry, full, inner, all_params, all_positional, owner)
            elif isinstance(entry, URLPattern):
                name = ":".join([*namespaces, entry.name]) if entry.name else None
                found.append(
                    Route(
                        key=name or f"unnamed:{full}",
                        route=full,
                        name=name,
                        params=all_params,
                        positional=all_positional,
                        model=model,
                    )
                )

    walk(resolver or get_resolver(), "", [], (), 0, None)
    return found


PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def fill_route(route, values):
    """The path of an unnamed pattern (which cannot be reversed), its parameters replaced by values."""
    path = PARAMETER.sub(lambda match: str(values[match[1] or match[2]]), route)
    return "/" + path.removeprefix("^").removesuffix("$")
