"""What the seed catalogue promises, by slug: its therapies of each kind, its goals and its
screening questions (tests/evidence/test_seed_catalogue.py checks it holds them)."""

TALKING = [
    "cbt",
    "cbt-insomnia",
    "cognitive-therapy",
    "behaviour-therapy",
    "psychoeducation",
    "supportive-therapy",
    "grief-therapy",
]

MASSAGE = [
    "swedish-massage",
    "deep-tissue-massage",
    "sports-massage",
    "trigger-point-therapy",
    "myofascial-release",
    "lymphatic-drainage",
    "prenatal-massage",
]

GOALS = [
    "stress-anxiety",
    "sleep",
    "pain-tension",
    "low-back-pain",
    "immune-function",
    "low-mood",
    "grief",
    "sports-recovery",
    "pregnancy-comfort",
    "swelling",
    "constipation",
    "fibromyalgia",
    "cancer-pain",
]

CONDITIONS = [
    "pregnancy",
    "blood-thinners",
    "blood-clots",
    "recent-surgery",
    "fever-infection",
    "cancer-treatment",
    "heart-failure",
    "kidney-disease",
    "skin-wounds",
    "osteoporosis",
    "recent-fracture",
    "unexplained-swelling",
    "crisis",
]

MASSAGE_SCREENED = [c for c in CONDITIONS if c != "crisis"]

FIRM = ["deep-tissue-massage", "sports-massage", "trigger-point-therapy", "myofascial-release"]
