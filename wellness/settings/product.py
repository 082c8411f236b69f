"""The product's own settings: whose crisis lines are shown, how long a saved result is kept,
what the About page says about who writes and pays for the information, and when a source is due
for review.
"""

from wellness.settings.base import env

# The region whose crisis lines are shown (ISO 3166 alpha-2: GB or US).
CRISIS_REGION = env.str("CRISIS_REGION", default="GB")

# How long a result saved on request is kept before it is deleted.
SAVED_RESULT_DAYS = env.int("SAVED_RESULT_DAYS", default=30)

# "About this information" (IPDAS certification criteria): who writes the information, who
# pays for the service, and where to report a mistake. `check --deploy` warns when the last two
# are missing, so a public deployment states them.
PUBLISHER_NAME = env.str("PUBLISHER_NAME", default="the clinic's catalogue and evidence team")
PUBLISHER_FUNDING = env.str("PUBLISHER_FUNDING", default="")
CONTENT_CONTACT_EMAIL = env.str("CONTENT_CONTACT_EMAIL", default="")

# A published source not reviewed for this long is listed as due for review on the dashboard.
SOURCE_REVIEW_MAX_AGE_DAYS = env.int("SOURCE_REVIEW_MAX_AGE_DAYS", default=365)

# The impact preview of a proposed safety change is worked out while its page loads for a
# catalogue of up to this many therapies, and by a background job, with its progress shown,
# for a larger one (docs/architecture.md §3).
IMPACT_PREVIEW_INLINE_THERAPIES = env.int("IMPACT_PREVIEW_INLINE_THERAPIES", default=300)
