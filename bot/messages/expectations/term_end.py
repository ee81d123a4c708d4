"""The end of an agreed term: the question (renew, keep in touch lightly, or close) and what each answer
leads to.
"""

from __future__ import annotations

from bot.i18n import _, n_
from bot.messages.expectations.ids import OPEN_QUESTIONNAIRE, TERM_END_PREFIX
from bot.messages.message import Message
from bot.messages.text import actions, button, escape, mention, section


def term_end_message(pairing_id: int, version: int, partner_name: str) -> Message:
    value = f"{pairing_id}:{version}"
    return Message(
        _("Your agreed term with {partner} is complete. What next?", partner=partner_name),
        [
            section(
                _(
                    "Your agreed term with {partner} is complete. What would you like next? "
                    "(We go with the lighter choice if you two pick differently.)",
                    partner=escape(partner_name),
                )
            ),
            actions(
                button(_("Renew"), TERM_END_PREFIX + "renew", value, "primary"),
                button(_("Keep in touch lightly"), TERM_END_PREFIX + "networking", value),
                button(_("Close"), TERM_END_PREFIX + "close", value),
            ),
        ],
    )


def renew_message(pairing_id: int) -> Message:
    return Message(
        _("You both chose to renew: please set expectations for the next stretch."),
        [
            section(
                _(
                    "You both chose to keep going. Answer the questions for the next stretch; "
                    "your current agreement stays in place until you confirm a new one."
                )
            ),
            actions(button(_("Set expectations"), OPEN_QUESTIONNAIRE, str(pairing_id), "primary")),
        ],
    )


def networking_message(days: int) -> Message:
    return Message(
        _("You'll keep in touch as networking contacts."),
        [
            section(
                n_(
                    "Your copilot term is complete. You'll stay in each other's contacts, and mentor-bot will "
                    "suggest catching up about every {count} day. Thank you both!",
                    "Your copilot term is complete. You'll stay in each other's contacts, and mentor-bot will "
                    "suggest catching up about every {count} days. Thank you both!",
                    days,
                )
            )
        ],
    )


def term_closed_message(by_user: str) -> Message:
    text = _(
        "{person} closed your mentoring at the end of its term. Thank you both for the time you gave.",
        person=mention(by_user),
    )
    return Message(_("Your mentoring has closed."), [section(text)])
