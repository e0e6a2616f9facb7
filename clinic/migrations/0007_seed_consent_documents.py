"""A published starter version of each consent document: one for photographs, one for research, and one for the
treatment with each technique, so a fresh installation can present them at the chair. Each says at its top that it
is a template for the clinic to adapt (in the admin: new version, edit, publish)."""

from django.db import migrations

TEMPLATE_NOTE = (
    "TEMPLATE — this starter text is a model for the clinic to adapt and have reviewed before use. "
    "Replace this paragraph with the clinic's name and contact details."
)

TREATMENT = {
    "mmp": (
        "MMP® (microinfusion of drugs into the skin)",
        "A tattoo-type device with sterile single-use needles makes many tiny punctures in the scalp while a "
        "prescribed solution is infused into the skin.",
        "the medicine infused may cause its own side effects, which the clinician has explained",
    ),
    "microneedling": (
        "Microneedling",
        "A pen or roller with sterile single-use fine needles makes many tiny punctures in the scalp to start the "
        "skin's repair and support hair growth.",
        "the products applied afterwards may sting or irritate",
    ),
    "microinfusion_stamping": (
        "Microinfusion stamping",
        "A stamp of sterile single-use hollow microneedles delivers a prescribed solution into the skin of the scalp.",
        "the medicine delivered may cause its own side effects, which the clinician has explained",
    ),
    "smp": (
        "Scalp micropigmentation (SMP)",
        "Pigment is placed in the upper skin of the scalp with a fine needle to imitate hair follicles or add density.",
        "the pigment may fade, change colour or spread (blurring) over time, and is hard to remove",
    ),
    "mesotherapy": (
        "Mesotherapy",
        "Small amounts of a prescribed solution are injected into the skin of the scalp with a fine needle or an "
        "injector.",
        "the medicine injected may cause its own side effects, which the clinician has explained",
    ),
    "micrografts": (
        "Autologous micrografts",
        "A small piece of the patient's own scalp skin is taken, processed into a suspension of micrografts, and "
        "injected into the thinning areas.",
        "the place the skin is taken from may be sore, bleed or scar",
    ),
    "other": (
        "Other scalp procedure",
        "The clinician has described the procedure, how it is done and what it is meant to achieve.",
        "the procedure may have further risks, which the clinician has explained",
    ),
}


def treatment_text(description, own_risk):
    return (
        f"{TEMPLATE_NOTE}\n\n"
        f"The procedure. {description}\n\n"
        "What to expect. Redness, swelling, tenderness and pinpoint bleeding are common for a few hours to a few "
        "days. Results vary from person to person and are not guaranteed; several sessions are usually needed.\n\n"
        "Risks. Infection; bruising; pain; an allergic reaction to the products or anaesthetic; temporary hair "
        f"shedding; changes of skin colour; rarely scarring; and {own_risk}.\n\n"
        "Alternatives. Other treatments, or none, have been discussed with me.\n\n"
        "My consent. I have read this document, I have been able to ask questions and they have been answered. I "
        "agree to this treatment. I may withdraw my consent at any time, before or between sessions."
    )


PHOTOGRAPHS = (
    "Consent to clinical photographs",
    f"{TEMPLATE_NOTE}\n\n"
    "I agree that standardised photographs of my scalp are taken before and after my sessions and kept in my "
    "clinical record, to follow my treatment.\n\n"
    "The photographs are stored privately by the clinic, shown only to the clinicians treating me, and never "
    "published or shared without my separate written agreement. My face is kept out of them wherever possible.\n\n"
    "I may withdraw this consent at any time: no further photographs will then be taken or shown; those already "
    "taken stay in my record, as the law requires of clinical records.",
)

RESEARCH = (
    "Consent to research use of my treatment data",
    f"{TEMPLATE_NOTE}\n\n"
    "I agree that the data of my treatment (the procedures, their parameters and their outcomes) may be used for "
    "research, after everything that identifies me has been removed: my name, contact details and record number "
    "never leave the clinic, and my age is given only in bands.\n\n"
    "Taking part makes no difference to my care. I may withdraw this consent at any time: my data will then be left "
    "out of any later research export.",
)


def seed(apps, schema_editor):
    ConsentDocument = apps.get_model("clinic", "ConsentDocument")
    documents = [
        ConsentDocument(purpose="photographs", title=PHOTOGRAPHS[0], text=PHOTOGRAPHS[1]),
        ConsentDocument(purpose="research", title=RESEARCH[0], text=RESEARCH[1]),
    ]
    for technique, (label, description, own_risk) in TREATMENT.items():
        documents.append(
            ConsentDocument(
                purpose="treatment",
                technique=technique,
                title=f"Consent to treatment: {label}",
                text=treatment_text(description, own_risk),
            )
        )
    for document in documents:
        document.version, document.status = 1, "published"
    ConsentDocument.objects.bulk_create(documents)


class Migration(migrations.Migration):
    dependencies = [("clinic", "0006_consent_documents_and_signatures")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
