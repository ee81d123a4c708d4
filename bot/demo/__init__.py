"""`mentor-bot demo` and the local stand-in for Slack's Web API that the demo and the tests talk to.

- `slack_standin/`: the Slack stand-in (import its public names from `bot.demo.slack_standin`);
- `run.py`: `run_demo`, the entry point: plays the story and renders the transcript;
- `story.py`: who works at Acme and what they do, chapter by chapter;
- `simulation.py`: the simulated workspace: the real app on a loopback port, the clock, people's requests;
- `people.py`, `journal.py`, `recording.py`: the cast, what happened, and what each person sees in Slack;
- `forms.py`: the form filler and button finder; `transcript.py`: the journal told as a chat log.

May import anything in `bot` (it drives the real app over signed HTTP), never `handlers` directly.
"""
