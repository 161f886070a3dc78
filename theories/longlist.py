"""The 20 theories of the longlist: the live list, which `seed` writes into a flushed test
database. A new database gets them from theories/migrations/0002_seed_longlist.py, which holds
its own frozen copy (a migration never imports live code).

Titles are the source post's; summaries and sub-point texts are our own words.
"""

from typing import Any

SOURCE_URL = (
    "https://www.lesswrong.com/posts/uK6sQCNMw8WKzJeCQ/"
    "a-longlist-of-theories-of-impact-for-interpretability"
)

LONGLIST: list[dict] = [
    {
        "number": 1,
        "slug": "force-multiplier-on-alignment-research",
        "title": "Force-multiplier on alignment research",
        "summary": (
            "Looking inside a model tells researchers why it behaves badly, not just that it "
            "does, so empirical alignment work gets far better feedback and moves faster."
        ),
        "subpoints": [],
    },
    {
        "number": 2,
        "slug": "better-prediction-of-future-systems",
        "title": "Better prediction of future systems",
        "summary": (
            "A mechanistic grasp of how networks work and how they change as they grow could "
            "give us law-like regularities for anticipating what larger, future models will do."
        ),
        "subpoints": [
            {
                "number": "2.1",
                "text": (
                    "Sudden internal shifts seen during training, such as induction heads "
                    "forming, warn that abilities can appear abruptly."
                ),
            },
        ],
    },
    {
        "number": 3,
        "slug": "auditing",
        "title": "Auditing",
        "summary": (
            "Inspect a finished model for misalignment before release, and ship it only once "
            "the inspection gives us confidence - effectively a second chance."
        ),
        "subpoints": [],
    },
    {
        "number": 4,
        "slug": "auditing-for-deception",
        "title": "Auditing for deception",
        "summary": (
            "A narrower kind of audit: rather than certifying a model as safe, just check "
            "whether it is trying to deceive us."
        ),
        "subpoints": [
            {
                "number": "4.1",
                "text": (
                    "Spotting deception asks less than a full audit, so it may work even if "
                    "we can only understand scattered circuits and features."
                ),
            },
        ],
    },
    {
        "number": 5,
        "slug": "enabling-coordination-cooperation",
        "title": "Enabling coordination/cooperation",
        "summary": (
            "When labs or states can inspect one another's models, trust gets cheaper and "
            "working together on safety becomes more realistic."
        ),
        "subpoints": [],
    },
    {
        "number": 6,
        "slug": "empirical-evidence-for-against-threat-models",
        "title": "Empirical evidence for/against threat models",
        "summary": (
            "Search real models for concrete instances of hypothesised dangers such as inner "
            "misalignment, turning speculative worries into things we can observe or rule out."
        ),
        "subpoints": [
            {
                "number": "6.1",
                "text": (
                    "Real examples of a threat would persuade doubters and draw more "
                    "researchers to work on it."
                ),
            },
            {
                "number": "6.2",
                "text": (
                    "Showing a model that looks aligned but is secretly deceptive could "
                    "justify a coordinated slowdown of the field."
                ),
            },
        ],
    },
    {
        "number": 7,
        "slug": "improving-human-feedback",
        "title": "Improving human feedback",
        "summary": (
            "Reward models not only for producing good behaviour but for producing it via "
            "good internal reasoning, by letting overseers see why they act."
        ),
        "subpoints": [],
    },
    {
        "number": 8,
        "slug": "informed-oversight",
        "title": "Informed oversight",
        "summary": (
            "Strengthen recursive schemes such as iterated amplification by verifying, at "
            "every step, that the system being built on really is aligned."
        ),
        "subpoints": [],
    },
    {
        "number": 9,
        "slug": "interpretability-tools-in-the-loss-function",
        "title": "Interpretability tools in the loss function",
        "summary": (
            "Make an interpretability tool part of training itself, so the optimiser is pushed "
            "toward models whose internals look aligned."
        ),
        "subpoints": [
            {
                "number": "9.1",
                "text": (
                    "Ambitious: the tool is robust enough that training pressure cannot game it."
                ),
            },
            {
                "number": "9.2",
                "text": (
                    "Modest: gaming the tool is possible but costly, which still tilts "
                    "training toward aligned solutions."
                ),
            },
        ],
    },
    {
        "number": 10,
        "slug": "norm-setting",
        "title": "Norm setting",
        "summary": (
            "If looking inside models becomes practical, examining a system before launch "
            "could become a standard part of responsible release."
        ),
        "subpoints": [],
    },
    {
        "number": 11,
        "slug": "enabling-regulation",
        "title": "Enabling regulation",
        "summary": (
            "Tools that can check a model's alignment give policymakers something concrete "
            "to require and enforce, making rules on AI safety more effective."
        ),
        "subpoints": [],
    },
    {
        "number": 12,
        "slug": "cultural-shift-1",
        "title": "Cultural shift 1",
        "summary": (
            "A machine learning field that habitually understands its models would better "
            "recognise how they fail and how to prevent it."
        ),
        "subpoints": [],
    },
    {
        "number": 13,
        "slug": "cultural-shift-2",
        "title": "Cultural shift 2",
        "summary": (
            "Once understanding models becomes the expectation, our current ignorance about "
            "them would look conspicuous and worrying rather than normal."
        ),
        "subpoints": [
            {
                "number": "13.1",
                "text": (
                    "Like bridge builders who only notice missing structural analysis after "
                    "seeing it done properly once."
                ),
            },
        ],
    },
    {
        "number": 14,
        "slug": "epistemic-learned-helplessness",
        "title": "Epistemic learned helplessness",
        "summary": (
            "Perhaps no detailed story is needed: truly understanding the black boxes we "
            "build seems useful in nearly any future."
        ),
        "subpoints": [],
    },
    {
        "number": 15,
        "slug": "microscope-ai",
        "title": "Microscope AI",
        "summary": (
            "Instead of deploying agents, train models on hard tasks, read out how they solve "
            "them, and let humans apply that knowledge directly."
        ),
        "subpoints": [],
    },
    {
        "number": 16,
        "slug": "training-ais-to-interpret-other-ais",
        "title": "Training AIs to interpret other AIs",
        "summary": (
            "If interpreting frontier models is too laborious for people, trustworthy "
            "near-human AIs could be handed the tools and do the interpreting for us."
        ),
        "subpoints": [],
    },
    {
        "number": 17,
        "slug": "forecasting-discontinuities",
        "title": "Forecasting discontinuities",
        "summary": (
            "Understanding model internals could tell us how likely sudden jumps in capability "
            "or alignment are, and catch one happening before a model is released."
        ),
        "subpoints": [],
    },
    {
        "number": 18,
        "slug": "intervening-on-training",
        "title": "Intervening on training",
        "summary": (
            "Watch models while they train, catching misalignment early - before a model is "
            "capable enough to hide it from us."
        ),
        "subpoints": [],
    },
    {
        "number": 19,
        "slug": "auditing-a-training-run",
        "title": "Auditing a training run",
        "summary": (
            "Stop runs that look misaligned early on, so we can cheaply try many setups and "
            "keep only the promising ones, biasing outcomes toward aligned systems."
        ),
        "subpoints": [],
    },
    {
        "number": 20,
        "slug": "eliciting-latent-knowledge",
        "title": "Eliciting Latent Knowledge",
        "summary": (
            "For the ELK problem, penalise models whose behaviour needs long interpretability "
            "explanations, on the bet that simpler ones are less likely to be simulating humans."
        ),
        "subpoints": [],
    },
]


DEFAULT_TITLE = "Theories of impact for interpretability"
DEFAULT_DESCRIPTION = (
    "The 20 theories of impact from Neel Nanda's post "
    '"A Longlist of Theories of Impact for Interpretability", in our own words.'
)


def seed(theory_model: Any) -> int:
    """Create or update the 20 theories on `theory_model` (a model class, possibly a historical one
    from a data migration) keyed by number; return how many rows were created.

    Once items belong to longlists (theories/migrations/0003-0005), the theories are the default
    list's: it is created too when missing (a flushed test database), and numbers are looked up
    within it. The 0002 migration's historical model has no list, and seeds as it always did."""
    fields = {f.name for f in theory_model._meta.get_fields()}
    scope: dict[str, Any] = {}
    if "longlist" in fields:
        longlist_model = theory_model._meta.get_field("longlist").related_model
        longlist, _ = longlist_model.objects.get_or_create(
            is_default=True,
            defaults={
                "slug": "theories-of-impact",
                "title": DEFAULT_TITLE,
                "description": DEFAULT_DESCRIPTION,
                "visibility": "public",
                "last_number": len(LONGLIST),
            },
        )
        scope = {"longlist": longlist}
    created_count = 0
    for item in LONGLIST:
        _, created = theory_model.objects.update_or_create(
            number=item["number"],
            **scope,
            defaults={
                "slug": item["slug"],
                "title": item["title"],
                "summary": item["summary"],
                "subpoints": [dict(sp) for sp in item["subpoints"]],
                "source_url": SOURCE_URL,
            },
        )
        if created:
            created_count += 1
    return created_count
