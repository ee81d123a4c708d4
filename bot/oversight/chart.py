"""A small PNG: pairings by health over the last weeks, as stacked bars (Pillow, no display needed)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from bot.rules.summary_figures import HEALTH_LABELS, HEALTHS, WeekSnapshot

WIDTH, HEIGHT = 720, 360
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 190, 40, 48
COLOURS = {
    "stalled": (214, 69, 65),
    "overdue": (242, 166, 60),
    "setting_expectations": (120, 144, 196),
    "paused": (170, 170, 170),
    "on_track": (46, 160, 105),
}


def health_chart(weeks: list[WeekSnapshot], title: str) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=13)
    small = ImageFont.load_default(size=11)
    draw.text((MARGIN_LEFT, 12), title[:70], fill="black", font=font)

    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    base_y = MARGIN_TOP + plot_h
    tallest = max((sum(w.counts.values()) for w in weeks), default=0)
    top = max(1, tallest)
    draw.line((MARGIN_LEFT, MARGIN_TOP, MARGIN_LEFT, base_y), fill="black")
    draw.line((MARGIN_LEFT, base_y, MARGIN_LEFT + plot_w, base_y), fill="black")
    for value in sorted({0, top // 2, top}):
        y = base_y - plot_h * value / top
        draw.text((6, y - 7), str(value), fill="black", font=small)
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
            draw.text((x0, base_y + 6), week.week_start.strftime("%d %b"), fill="black", font=small)

    legend_x = WIDTH - MARGIN_RIGHT + 20
    for j, health in enumerate(HEALTHS):
        y = MARGIN_TOP + j * 22
        draw.rectangle((legend_x, y, legend_x + 14, y + 14), fill=COLOURS[health])
        draw.text((legend_x + 20, y), HEALTH_LABELS[health], fill="black", font=small)
    draw.text(
        (legend_x, MARGIN_TOP + len(HEALTHS) * 22 + 8),
        "Past weeks are estimated\nfrom dates only.",
        fill=(90, 90, 90),
        font=small,
    )

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
