"""Dedupe keys, in one place: a row is enqueued at most once per key.

The texts are the ones rows were always written with, so a database that already holds rows keeps
recognising them (a planner that runs again after an upgrade does not queue the same message twice).
"""

from __future__ import annotations

from datetime import date


# check-ins, report-backs, health reviews
def checkin(pairing_id: int, cycle: int) -> str:
    return f"checkin:{pairing_id}:{cycle}"


def stall(pairing_id: int, episode: str, person_id: int) -> str:
    return f"stall:{pairing_id}:{episode}:{person_id}"


def pulse(pairing_id: int, review_round: int, person_id: int) -> str:
    return f"pulse:{pairing_id}:{review_round}:{person_id}"


def report_back(report_id: int) -> str:
    return f"report_back:{report_id}"


def report_back_follow_up(report_id: int) -> str:
    return f"report_back_follow_up:{report_id}"


def unreachable(failed_row_id: int, person_id: int) -> str:
    return f"unreachable:{failed_row_id}:{person_id}"


# requests, offers, matches
def offer(offer_id: int) -> str:
    return f"offer:{offer_id}"


def offer_closed(offer_id: int, why: str) -> str:
    return f"offer:{offer_id}:{why}"


def request_offered(request_id: int, offer_id: int) -> str:
    return f"request:{request_id}:offer:{offer_id}"


def request_waiting(request_id: int, asked: int) -> str:
    return f"request:{request_id}:waiting:{asked}"


def admin_waiting(admin_user_id: str, request_id: int, asked: int) -> str:
    return f"admin:{admin_user_id}:request:{request_id}:waiting:{asked}"


def pairing_event(pairing_id: int, event: str) -> str:
    """One message about a pairing's life: "matched:mentee", "ended", "paused:<version>", ..."""
    return f"pairing:{pairing_id}:{event}"


# expectation setting
def expectations(pairing_id: int, round_: int | str, event: str) -> str:
    """One expectation-setting message: round (agreement version) and event, e.g. (1, "kickoff")."""
    return f"expectations:{pairing_id}:{round_}:{event}"


def calendar(pairing_id: int, version: int) -> str:
    """The agreed meetings of one agreement version, for the pair's calendars."""
    return f"calendar:{pairing_id}:{version}"


def calendar_file(pairing_id: int, version: int) -> str:
    return f"calendar:{pairing_id}:{version}:file"


def expectations_lapsed(pairing_id: int, person_id: int) -> str:
    return f"expectations:{pairing_id}:lapsed:{person_id}"


def expectations_reminder(pairing_id: int, version: int, person_id: int, label: str) -> str:
    return f"expectations:{pairing_id}:{version}:{person_id}:{label}"


def term_end(pairing_id: int, version: int, person_id: int) -> str:
    return f"term_end:{pairing_id}:{version}:{person_id}"


# the network
def intro(intro_id: int, event: str) -> str:
    """ "made", "report", or "followup:<n>"."""
    return f"intro:{intro_id}:{event}"


def promise_due(promise_id: int, nudges_sent: int) -> str:
    return f"promise:{promise_id}:due:{nudges_sent}"


def keep_in_touch(contact_id: int, due_on: date) -> str:
    return f"contact:{contact_id}:touch:{due_on.isoformat()}"


# oversight
def digest(lead_person_id: int, week: str) -> str:
    return f"digest:{lead_person_id}:{week}"


def digest_chart(lead_person_id: int, week: str) -> str:
    return f"digest:{lead_person_id}:{week}:chart"


def admin_org_gap(admin_user_id: str, tombstone_id: int) -> str:
    """To one program admin: the reports of a forgotten account need their manager set again."""
    return f"admin:{admin_user_id}:org_gap:{tombstone_id}"


# mentoring cohorts
def cohort_announcement(cohort_id: int) -> str:
    return f"cohort:{cohort_id}:announcement"


def cohort_preview(cohort_id: int) -> str:
    return f"cohort:{cohort_id}:preview"


def cohort_paired(cohort_id: int) -> str:
    return f"cohort:{cohort_id}:paired"


def cohort_pairing(cohort_id: int, pairing_id: int) -> str:
    return f"cohort:{cohort_id}:pairing:{pairing_id}"


def cohort_survey(survey_id: int) -> str:
    return f"cohort_survey:{survey_id}"


# onboarding buddies
def buddy_offer(offer_id: int) -> str:
    return f"buddy_offer:{offer_id}"


def buddy_offer_closed(offer_id: int, why: str) -> str:
    return f"buddy_offer:{offer_id}:{why}"


def buddy_waiting(admin_user_id: str, buddy_pairing_id: int, asked: int) -> str:
    return f"admin:{admin_user_id}:buddy:{buddy_pairing_id}:waiting:{asked}"


def buddy_event(buddy_pairing_id: int, event: str) -> str:
    """One message about a buddy pairing's life: "welcome", "checkin:<n>", "ended", "term_end", ..."""
    return f"buddy:{buddy_pairing_id}:{event}"
