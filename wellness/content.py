"""Fixed public wording that both the pages and the API need (plain language, reading age 11-12).

The other paths besides a therapy are catalogue data (``therapies.NextStep``), chosen for each
person's answers by the engine; only the words that explain the engine's own outcomes live here.
"""

PREFERENCE_REASONS = {
    "format": "It is not offered in the way you chose.",
    "pressure": "It does not use the pressure you chose.",
}

# Why a goal has no good option (``GoalGap.status``), said honestly.
GAP_WORDS = {
    "ruled-out": "Some therapies may help with this. But they are not right for you, or they are "
    "not offered in the way you chose. See below.",
    "made-for-others": "The therapies that may help with this are only for some people, such as "
    "people who are pregnant.",
    "not-given": "There is some evidence for this. But it is about a way of doing a therapy that "
    "is not used for people in your situation, such as tummy massage in pregnancy. Ask your "
    "doctor, nurse or midwife what could help.",
    "harm": "This has been studied. The results suggest the therapies studied may make it worse.",
    "no-benefit": "This has been studied. The therapies studied were shown not to help.",
    "unclear": "This has been studied, but the results are unclear. We do not know if the "
    "therapies help.",
    "none": "We do not have any evidence about this in our catalogue yet.",
}
