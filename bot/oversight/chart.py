"""A small PNG: pairings by health over the last weeks, as stacked bars (Pillow, no display needed).

Its words are the reader's: the title comes translated (bot.messages.summaries.chart_title), the legend and
the note are translated here, and the axis numbers and week dates are written the reader's way. The font
is Source Sans Pro (a package dependency): Pillow's built-in font has no accented letters, so "Définir"
or a lead named "Zoë" would come out as boxes.
"""

from __future__ import annotations

import io

from babel.dates import format_date
from font_source_sans_pro import font_files_ttf
from PIL import Image, ImageDraw, ImageFont

from bot.i18n import _, current_locale, format_number
from bot.rules.summary_figures import HEALTH_LABELS, HEALTHS, WeekSnapshot

WIDTH, HEIGHT = 720, 360
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 190, 40, 48
LEGEND_TEXT_WIDTH = MARGIN_RIGHT - 20 - 20 - 12  # from the swatch's right to the image's edge, less a margin
LEGEND_NOTE_WIDTH = MARGIN_RIGHT - 20 - 12
FONT_FILE = font_files_ttf["SourceSansPro"]
COLOURS = {
    "stalled": (214, 69, 65),
    "overdue": (242, 166, 60),
    "setting_expectations": (120, 144, 196),
    "paused": (170, 170, 170),
    "on_track": (46, 160, 105),
}


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: float) -> str:
    """`text` cut to `width` pixels, with an ellipsis when it had to be cut."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """`text` in lines of at most `width` pixels, broken between words (a too-long word is cut)."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(_fit(draw, word, font, width))
    return lines


def week_label(week: WeekSnapshot) -> str:
    """The week's Monday as a short date, day first as every date the bot writes: "2 Mar", "2 mars"."""
    return format_date(week.week_start, "d MMM", locale=current_locale())


def health_chart(weeks: list[WeekSnapshot], title: str) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT_FILE, 14)
    small = ImageFont.truetype(FONT_FILE, 12)
    draw.text((MARGIN_LEFT, 12), _fit(draw, title, font, WIDTH - MARGIN_LEFT - 12), fill="black", font=font)

    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    base_y = MARGIN_TOP + plot_h
    tallest = max((sum(w.counts.values()) for w in weeks), default=0)
    top = max(1, tallest)
    draw.line((MARGIN_LEFT, MARGIN_TOP, MARGIN_LEFT, base_y), fill="black")
    draw.line((MARGIN_LEFT, base_y, MARGIN_LEFT + plot_w, base_y), fill="black")
    for value in sorted({0, top // 2, top}):
        y = base_y - plot_h * value / top
        draw.text(
            (6, y - 7), _fit(draw, format_number(value), small, MARGIN_LEFT - 10), fill="black", font=small
        )
        draw.line((MARGIN_LEFT - 3, y, MARGIN_LEFT, y), fill="black")

    slot = plot_w / max(1, len(weeks))
    bar = slot * 0.7
    for i, week in enumerate(weeks):
        x0 = MARGIN_LEFT + i * slot + (slot - bar) / 2
        y = float(base_y)
        for health in reversed(HEALTHS):  # on track at the bottom, stalled on top
            count = week.counts.get(health, 0)
            if not count:
                continue
            height = plot_h * count / top
            draw.rectangle((x0, y - height, x0 + bar, y), fill=COLOURS[health])
            y -= height
        if i % 2 == len(weeks) % 2 or len(weeks) <= 6:
            draw.text((x0, base_y + 6), week_label(week), fill="black", font=small)

    legend_x = WIDTH - MARGIN_RIGHT + 20
    y = MARGIN_TOP
    for health in HEALTHS:
        draw.rectangle((legend_x, y, legend_x + 14, y + 14), fill=COLOURS[health])
        for line in _wrap(draw, _(HEALTH_LABELS[health]), small, LEGEND_TEXT_WIDTH):
            draw.text((legend_x + 20, y), line, fill="black", font=small)
            y += 15
        y += 7
    note = _wrap(draw, _("Past weeks are estimated from dates only."), small, LEGEND_NOTE_WIDTH)
    draw.text((legend_x, y + 8), "\n".join(note), fill=(90, 90, 90), font=small)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
