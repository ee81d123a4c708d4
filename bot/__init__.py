"""mentor-bot: peer (copilot) mentoring inside Slack."""

__version__ = "0.1.0"
