"""The pure rules of a mentoring program: who may be paired and how well (matching), what two people
agreed (agreements), when a nudge is due (cadence), and the arithmetic behind leads' summaries; what
admins may set: topics (topics), one person's org details (org_details), program settings' bounds
(program_limits); the agreed meetings as an iCalendar file (calendar, agreed_meetings).

May import: the standard library, NumPy, OR-Tools, icalendar and each other. Never Slack, SQLAlchemy, `storage`,
or any service package: every function here is a plain function from data to data, tested with Hypothesis.
"""
