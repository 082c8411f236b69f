"""Fixed public wording that both the pages and the API need (plain language, reading age 11-12)."""

OTHER_PATHS = {
    "talk-to-gp": {
        "title": "Talk to your GP",
        "text": "Your GP can talk through what is wrong and what might help. They can also refer "
        "you to a service.",
    },
    "self-referral": {
        "title": "Refer yourself to a talking therapy service",
        "text": "In many areas you can ask for NHS talking therapy yourself. You do not need to "
        "see your GP first.",
    },
    "self-help": {
        "title": "Try self-help",
        "text": "Books, apps and websites can help you learn ways to cope. Many are free.",
    },
    "wait-and-see": {
        "title": "Wait and see",
        "text": "Some problems get better on their own. You can come back at any time. If things "
        "get worse, get help.",
    },
}

PREFERENCE_REASONS = {
    "format": "It is not offered in the way you chose.",
    "pressure": "It does not use the pressure you chose.",
}
