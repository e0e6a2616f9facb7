"""Reading the pages the test client gets back."""

from html.parser import HTMLParser


def text(response):
    return response.content.decode()


def text_of(response, element_id):
    """The text inside the element with this id in the page's body (whitespace folded), or None when the body has
    no such element."""
    reader = _ElementText(element_id)
    reader.feed(text(response))
    return " ".join(" ".join(reader.parts).split()) if reader.found else None


class _ElementText(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, element_id):
        super().__init__()
        self.element_id, self.depth, self.found, self.parts = element_id, 0, False, []
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        self.in_body = self.in_body or tag == "body"
        if tag in self.VOID or not self.in_body:
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.element_id:
            self.depth, self.found = 1, True

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def empty_table_headers(html):
    """How many table headers (<th>) hold no text a screen reader could say (text, or a control's aria-label)."""
    reader = _TableHeaders()
    reader.feed(html)
    return reader.empty


class _TableHeaders(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside, self.said, self.empty = False, False, 0

    def handle_starttag(self, tag, attrs):
        if tag == "th":
            self.inside, self.said = True, False
        elif self.inside and dict(attrs).get("aria-label", "").strip():
            self.said = True

    def handle_endtag(self, tag):
        if tag == "th" and self.inside:
            self.empty += not self.said
            self.inside = False

    def handle_data(self, data):
        if self.inside and data.strip():
            self.said = True


def scalp_map(html):
    """The scalp map in a page: the attributes of its box (None without a map) and {zone code: the attributes of
    its region}."""
    reader = _ScalpMap()
    reader.feed(html)
    return reader.box, reader.regions


class _ScalpMap(HTMLParser):
    def __init__(self):
        super().__init__()
        self.box, self.regions = None, {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "scalp-map" in (attributes.get("class") or "").split():
            self.box = attributes
        elif "data-zone" in attributes:
            self.regions[attributes["data-zone"]] = attributes


def readable_texts(html):
    """Every piece of text a person reads or hears on the page: text outside scripts and styles, the head's title,
    and the words of title, aria-label, placeholder and alt attributes and of button-like inputs."""
    reader = _ReadableTexts()
    reader.feed(html)
    return [" ".join(part.split()) for part in reader.parts if part.strip()]


class _ReadableTexts(HTMLParser):
    SPOKEN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
    UNREAD = {"script", "style"}

    def __init__(self):
        super().__init__()
        self.parts, self.unread = [], 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.unread += tag in self.UNREAD
        self.parts += [attributes[name] or "" for name in self.SPOKEN_ATTRIBUTES if name in attributes]
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        self.unread -= tag in self.UNREAD and self.unread > 0

    def handle_data(self, data):
        if not self.unread:
            self.parts.append(data)
