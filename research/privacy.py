"""Privacy that is measured: the quasi-identifiers of the sessions file, their generalisation, the withholding
of rare combinations, and k (how many patients share a row's combination) reported for every export.

The quasi-identifiers are age, sex, diagnosis, Fitzpatrick type and staging (Norwood-Hamilton, Ludwig, SALT):
what a neighbour, an employer or another record could know of a patient. Generalisation makes them coarser
for every row (age in bands, skin types and stages in groups). Then, in the de-identified tier, a row whose
combination fewer than K patients share has its age, skin type and stages withheld; if its sex and diagnosis
are still shared by fewer than K patients, its sex is withheld too, then its diagnosis. The level reached is
written in the row (`quasi_identifiers_withheld`), so an analysis can leave withheld rows out or keep them.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from clinic.formatting import local_decimal_point
from clinic.vocabularies import LudwigStage, NorwoodStage

K = 5  # the smallest group of patients a row may be told apart in (k-anonymity)
OLDEST_AGE = 89  # HIPAA Safe Harbor: ages over 89 are one group, "90+"

AGE_BANDS = {1: _("exact years"), 5: _("5-year bands"), 10: _("10-year bands")}
FITZPATRICK_GROUPS = {1: "I–II", 2: "I–II", 3: "III–IV", 4: "III–IV", 5: "V–VI", 6: "V–VI"}
NORWOOD_GROUPS = {
    **dict.fromkeys([NorwoodStage.I, NorwoodStage.II, NorwoodStage.IIA], "I–II"),
    **dict.fromkeys(
        [NorwoodStage.III, NorwoodStage.III_VERTEX, NorwoodStage.IIIA, NorwoodStage.IV, NorwoodStage.IVA], "III–IV"
    ),
    **dict.fromkeys([NorwoodStage.V, NorwoodStage.VA, NorwoodStage.VI, NorwoodStage.VII], "V–VII"),
}
LUDWIG_GROUPS = {LudwigStage.I: "I", LudwigStage.II: "II–III", LudwigStage.III: "II–III"}
# The SALT severity classes of the alopecia areata guidelines (Olsen 2004): S0 no loss, S1 < 25 %, S2 25-49 %,
# S3 50-74 %, S4 75-99 %, S5 100 %.
SALT_CLASSES = [(75, "S4"), (50, "S3"), (25, "S2"), (0, "S1")]

# What each level of withholding leaves out, cumulatively (the codebook writes them in English).
WITHHELD = {
    0: _("nothing"),
    1: _("age, Fitzpatrick type and stages"),
    2: _("age, Fitzpatrick type, stages and sex"),
    3: _("every quasi-identifier"),
}
# What the privacy report names each generalisation (described()'s keys) by; a column's name stays as it is.
GENERALISED = {
    "age": _("age"),
    "fitzpatrick_type": "fitzpatrick_type",
    "staging": _("staging"),
    "rare combinations": _("rare combinations"),
}


@dataclass(frozen=True)
class Generalisation:
    age_band: int = 10
    fitzpatrick_grouped: bool = True
    staging_grouped: bool = True
    withhold_rare: bool = True  # the de-identified tier always withholds; the limited data set need not

    def described(self):
        """One line per choice, for the codebook, the privacy report and the audit trail (in the active language:
        research.english makes it English for the codebook and the audit trail)."""
        above = gettext("90+ above 89")
        return {
            "age": above if self.age_band == 1 else f"{AGE_BANDS[self.age_band]}, {above}",
            "fitzpatrick_type": (
                gettext("grouped I–II, III–IV, V–VI") if self.fitzpatrick_grouped else gettext("exact (1–6)")
            ),
            "staging": (
                gettext("grouped: Norwood–Hamilton I–II, III–IV, V–VII; Ludwig I, II–III; SALT classes S0–S5")
                if self.staging_grouped
                else gettext("exact")
            ),
            "rare combinations": (
                gettext("withheld where fewer than %(k)s patients share them") % {"k": K}
                if self.withhold_rare
                else gettext("kept")
            ),
        }

    def cells(self, age, sex, diagnosis, norwood, ludwig, salt, fitzpatrick):
        """The quasi-identifiers as the file writes them (text), before any withholding."""
        return (
            self._age(age),
            sex or "",
            diagnosis or "",
            (NORWOOD_GROUPS.get(norwood, norwood) if self.staging_grouped else norwood) or "",
            (LUDWIG_GROUPS.get(ludwig, ludwig) if self.staging_grouped else ludwig) or "",
            self._salt(salt),
            self._fitzpatrick(fitzpatrick),
        )

    def _age(self, age):
        if age > OLDEST_AGE:
            return "90+"
        if self.age_band == 1:
            return str(age)
        low = age - age % self.age_band
        return f"{low}–{min(low + self.age_band - 1, OLDEST_AGE)}"

    def _salt(self, salt):
        if salt is None or salt == "":
            return ""
        salt = Decimal(str(salt))  # the database's text or number, as recorded
        if not self.staging_grouped:
            return format(Decimal(str(salt)).normalize(), "f")
        if salt == 0:
            return "S0"
        if salt >= 100:
            return "S5"
        return next(label for bound, label in SALT_CLASSES if salt >= bound)

    def _fitzpatrick(self, fitzpatrick):
        if fitzpatrick is None:
            return ""
        return FITZPATRICK_GROUPS[fitzpatrick] if self.fitzpatrick_grouped else str(fitzpatrick)


def percent(share):
    """0.125 → "12.5%" ("12,5%" in pt-BR and es), as the active language writes a decimal."""
    return local_decimal_point(f"{share:.1%}")


def age_bands(band):
    """Every age cell a band size can write, youngest first."""
    return [Generalisation(age_band=band)._age(age) for age in range(0, OLDEST_AGE + 1, band)] + ["90+"]


def withheld(cells, level):
    """The cells with what `level` withholds left empty."""
    if level == 0:
        return cells
    _age, sex, diagnosis, *_stages_and_skin = cells
    return ("", "" if level >= 2 else sex, "" if level >= 3 else diagnosis, "", "", "", "")


@dataclass
class PrivacyReport:
    generalisation: Generalisation
    rows: int = 0
    patients: int = 0
    k: int | None = None  # the fewest patients any row's combination is shared by; None for an empty file
    rows_below_k: int = 0
    rows_withheld: dict = field(default_factory=dict)  # level → rows

    @property
    def share_below_k(self):
        return self.rows_below_k / self.rows if self.rows else 0.0

    def lines(self):
        """The report as plain sentences, for the page (in its language) and the bundle (in English)."""
        if not self.rows:
            return [gettext("No session matches: nothing to measure.")]
        sessions = ngettext("%(count)s session", "%(count)s sessions", self.rows) % {"count": self.rows}
        lines = [
            ngettext("%(sessions)s of %(count)s patient.", "%(sessions)s of %(count)s patients.", self.patients)
            % {"sessions": sessions, "count": self.patients},
            ngettext(
                "k = %(k)s: every row's combination of quasi-identifiers (age, sex, diagnosis, Fitzpatrick type, "
                "stages) is shared by at least %(k)s patient.",
                "k = %(k)s: every row's combination of quasi-identifiers (age, sex, diagnosis, Fitzpatrick type, "
                "stages) is shared by at least %(k)s patients.",
                self.k,
            )
            % {"k": self.k},
            gettext("Rows whose combination fewer than %(k)s patients share: %(rows)s (%(share)s).")
            % {"k": K, "rows": self.rows_below_k, "share": percent(self.share_below_k)},
        ]
        for level, rows in sorted(self.rows_withheld.items()):
            if level:
                lines.append(
                    gettext("Rows with %(what)s withheld: %(rows)s.") % {"what": WITHHELD[level], "rows": rows}
                )
        lines += [
            gettext("Generalisation of %(what)s: %(how)s.") % {"what": GENERALISED.get(what, what), "how": how}
            for what, how in self.generalisation.described().items()
        ]
        return lines


class Plan:
    """The withholding level of each combination, decided from every row of the export before any is written,
    and the report that follows from it."""

    def __init__(self, generalisation, patient_cells):
        """`patient_cells`: (patient id, generalised cells, rows) covering every row of the file."""
        self.generalisation = generalisation
        patients = defaultdict(set)
        rows = Counter()
        self.rows_by_patient = Counter()  # the file's rows of each patient
        for patient, cells, count in patient_cells:
            patients[cells].add(patient)
            rows[cells] += count
            self.rows_by_patient[patient] += count
        self.levels = dict.fromkeys(patients, 0)
        if generalisation.withhold_rare:
            self._withhold(patients)
        self.report = self._report(patients, rows)

    def _withhold(self, patients):
        """Each level pools the rows still below K into coarser combinations, and withholds more from those
        still below K. If the rows that withhold everything are still fewer than K patients, the smallest
        groups of rows join them, whole, until they are K (or there is nothing left to join)."""
        rare = [cells for cells, who in patients.items() if len(who) < K]
        for level in (1, 2, 3):
            pooled = defaultdict(set)
            for cells in rare:
                self.levels[cells] = level
                pooled[withheld(cells, level)] |= patients[cells]
            rare = [cells for cells in rare if len(pooled[withheld(cells, level)]) < K]
        fully = set().union(*(patients[cells] for cells, level in self.levels.items() if level == 3))
        if not fully or len(fully) >= K:
            return
        groups = defaultdict(list)
        for cells, level in self.levels.items():
            if level < 3:
                groups[withheld(cells, level)].append(cells)
        sizes = {written: set().union(*(patients[cells] for cells in members)) for written, members in groups.items()}
        for written in sorted(groups, key=lambda written: (len(sizes[written]), written)):
            for cells in groups[written]:
                self.levels[cells] = 3
            fully |= sizes[written]
            if len(fully) >= K:
                break

    def _report(self, patients, rows):
        shown = defaultdict(set)
        shown_rows = Counter()
        for cells, who in patients.items():
            written = withheld(cells, self.levels[cells])
            shown[written] |= who
            shown_rows[written] += rows[cells]
        report = PrivacyReport(self.generalisation, rows=sum(rows.values()))
        report.patients = len(set().union(*patients.values())) if patients else 0
        if shown:
            report.k = min(len(who) for who in shown.values())
            report.rows_below_k = sum(shown_rows[cells] for cells, who in shown.items() if len(who) < K)
        withheld_rows = Counter()
        for cells, level in self.levels.items():
            withheld_rows[level] += rows[cells]
        report.rows_withheld = dict(withheld_rows)
        return report

    def written(self, cells):
        """(the cells as written, the withholding level) of a row with these generalised cells."""
        level = self.levels.get(cells, 3)  # a combination the plan never saw gives nothing away
        return withheld(cells, level), level
