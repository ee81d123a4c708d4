"""What Slack sends back from the expectation conversation: every button's action_id and every form's
callback_id. The builders here put them on blocks; handlers/expectations.py listens for them.
"""

from __future__ import annotations

# action_ids
OPEN_QUESTIONNAIRE = "expectations_open"
RESOLVE = "expectations_resolve"
ACCEPT = "expectations_accept"
COUNTER = "expectations_counter"
CONFIRM = "expectations_confirm"
REVISIT = "expectations_revisit"
PAUSE = "pairing_pause"
RESUME = "pairing_resume"
END = "pairing_end"
TERM_END_PREFIX = "term_end_"  # + renew / networking / close

# callback_ids
QUESTIONNAIRE_CALLBACK = "expectations_form"
PROPOSAL_CALLBACK = "expectations_proposal"
END_CALLBACK = "pairing_end_form"
