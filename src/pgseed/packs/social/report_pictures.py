"""The social report's pictures, drawn from :class:`~.report_queries.Stats` (no queries here).

matplotlib is imported inside the functions (through :func:`figure`), so importing the
report costs nothing until a report is drawn; the Agg backend writes PNG without a display.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

from ...files import FileSet
from .report_queries import KINDS, Stats

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
COLORS = dict(zip(KINDS, ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#d62728"), strict=True))
GREY, BLUE, ORANGE, GREEN = "#7f7f7f", "#1f77b4", "#ff7f0e", "#2ca02c"
EVENING = (20, 23)  # the spec's evening peak, 8-10 pm local: shaded on the hour curve

CAPTIONS = {  # what to look for in each picture
    "activity_daily.png": "Events per day by kind, each dated on its user's local calendar (a match and its conversation in its first user's). One panel per kind, as their sizes differ a hundredfold: look for a steady level with a weekly ripple, and no gap or jump at an append's boundary.",
    "rhythm.png": "Left: share of each kind's events per hour of the day in the acting user's local time (their city's time zone); the shaded band is 8-10 pm, where the evening peak should sit. Right: share per day of the week.",
    "funnel.png": "Profile views, then likes (LIKE decisions), matches (mutual likes), conversations and conversations the other side answered: counts, and each step as a share of the one before. The spec's bands: 5-15 % of likes match, 60-80 % of conversations get a reply.",
    "likes_received.png": "How unequally likes are received. Left: users by the number of likes (LIKE) they received, zero included. Right: the Lorenz curve (users from least to most liked against their cumulative share of likes received; the diagonal is perfect equality) and the Gini coefficient (0 = everyone liked alike, 1 = one user gets every like).",
    "pairs.png": "Left: messages per conversation. Middle: great-circle distance between the two users of each match (haversine on the profiles' coordinates, in bins that widen with the distance: the first ones are within a city). Right: age gap of matched pairs in whole years (from their birthdates).",
}


def figure(height: float = 5.0) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(12.0, height), dpi=100, layout="constrained")


def save(fig: Figure, out: FileSet, name: str) -> str:
    fig.savefig(out.open(name, binary=True), format="png", dpi=100)
    return name


def _empty(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color=GREY)


def _shares(counts: list[int]) -> list[float]:
    total = sum(counts)
    return [100.0 * n / total if total else 0.0 for n in counts]


def daily(stats: Stats, out: FileSet) -> str:
    import matplotlib.dates as mdates

    days = sorted({d for per in stats.daily.values() for d in per})
    span = [days[0] + dt.timedelta(days=i) for i in range((days[-1] - days[0]).days + 1)]
    fig = figure(9.0)
    axes = fig.subplots(len(KINDS), 1, sharex=True)
    for ax, kind in zip(axes, KINDS, strict=True):
        values = [stats.daily[kind].get(d, 0) for d in span]
        ax.plot(span, values, color=COLORS[kind], lw=1.6, marker="o", ms=3)
        ax.fill_between(span, values, color=COLORS[kind], alpha=0.15)
        ax.set_ylabel(kind, rotation=0, ha="right", va="center")
        ax.set_ylim(0, max(values, default=0) * 1.15 + 1)
        ax.yaxis.set_major_formatter("{x:,.0f}")
        ax.grid(alpha=0.3)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)  # type: ignore[no-untyped-call]
    axes[-1].xaxis.set_major_locator(locator)
    axes[-1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes[-1].set_xlabel("local date")
    fig.suptitle("Activity per day by kind")
    return save(fig, out, "activity_daily.png")


def rhythm(stats: Stats, out: FileSet) -> str:
    fig = figure()
    hours, week = fig.subplots(1, 2, width_ratios=[2, 1])
    hours.axvspan(*EVENING, color=ORANGE, alpha=0.12, lw=0, label="8-10 pm")
    everything = [sum(stats.hourly[k][h] for k in KINDS) for h in range(24)]
    hours.plot(range(24), _shares(everything), color="black", lw=2.6, label="all events")
    for kind in KINDS:
        hours.plot(range(24), _shares(stats.hourly[kind]), color=COLORS[kind], lw=1.2, label=kind)
    hours.set(
        title="Hour of day (local time)", xlabel="hour", ylabel="share of events (%)", xlim=(0, 23)
    )
    hours.set_xticks(range(0, 24, 2))
    hours.legend(loc="upper left", fontsize=8)
    all_week = [sum(stats.weekly[k][d] for k in KINDS) for d in range(7)]
    week.bar(WEEKDAYS, _shares(all_week), color=[BLUE] * 5 + [ORANGE] * 2, alpha=0.8)
    for kind in KINDS:
        week.plot(WEEKDAYS, _shares(stats.weekly[kind]), color=COLORS[kind], lw=1, marker=".")
    week.axhline(100 / 7, color=GREY, ls="--", lw=1)
    week.set(title="Day of week (local time)", xlabel="day", ylabel="share of events (%)")
    for ax in (hours, week):
        ax.grid(alpha=0.3)
    return save(fig, out, "rhythm.png")


def funnel(stats: Stats, out: FileSet) -> str:
    fig = figure(4.5)
    ax = fig.add_subplot()
    names = [name for name, _ in stats.funnel][::-1]
    counts = [n for _, n in stats.funnel][::-1]
    bars = ax.barh(names, counts, color=BLUE, alpha=0.8)
    labels = []
    for i, (_, n) in enumerate(stats.funnel):
        before = stats.funnel[i - 1][1] if i else None
        step = "" if before is None else f"  ({n / before:.1%} of previous)" if before else "  (-)"
        labels.append(f"{n:,}{step}")
    ax.bar_label(bars, labels=labels[::-1], padding=4)
    ax.set_xscale("symlog", linthresh=10)  # views outnumber replies a hundredfold
    ax.set_xlim(0, max(counts, default=1) * 12)  # room for the labels
    ax.set(title="Funnel: views to replied conversations", xlabel="count (log scale)")
    ax.grid(axis="x", alpha=0.3)
    return save(fig, out, "funnel.png")


def likes_received(stats: Stats, out: FileSet) -> str:
    fig = figure()
    hist, ax = fig.subplots(1, 2)
    _hist(hist, stats.received, BLUE, "no users")
    hist.set(title="Users by likes received", xlabel="likes received", ylabel="users")
    hist.grid(axis="y", alpha=0.3)
    ax.plot([0, 1], [0, 1], color=GREY, ls="--", lw=1, label="equality")
    if stats.lorenz:
        xs, ys = zip(*stats.lorenz, strict=True)
        ax.plot(xs, ys, color=BLUE, lw=2, label="Lorenz curve")
        ax.fill_between(xs, xs, ys, color=BLUE, alpha=0.15)
        text = f"Gini = {stats.gini:.4f}\n{stats.liked:,} likes to {stats.users:,} users"
        if stats.top_decile is not None:
            text += f"\nmost liked 10 %: {stats.top_decile:.1%} of likes"
        ax.text(0.05, 0.92, text, transform=ax.transAxes, va="top", fontsize=12)
    else:
        _empty(ax, "no likes received")
    ax.set(
        title="Lorenz curve of likes received",
        xlabel="share of users (least liked first)",
        ylabel="share of likes received",
        xlim=(0, 1),
        ylim=(0, 1),
    )
    ax.legend(loc="center left")
    ax.grid(alpha=0.3)
    fig.suptitle("Distribution of likes received")
    return save(fig, out, "likes_received.png")


def _hist(ax: Axes, bins: list[tuple[int, int]], color: str, empty: str) -> None:
    """Bars on whole numbers (messages, years, likes), one per SQL row."""
    if not bins:
        _empty(ax, empty)
        return
    ax.bar([k for k, _ in bins], [n for _, n in bins], width=1.0, color=color, alpha=0.8)


def pairs(stats: Stats, out: FileSet) -> str:
    fig = figure()
    msgs, km, years = fig.subplots(1, 3)
    _hist(msgs, stats.messages, BLUE, "no conversations")
    msgs.set(title="Messages per conversation", xlabel="messages", ylabel="conversations")
    names = [f"{lo:g}+" if hi == math.inf else f"{lo:g}-{hi:g}" for lo, hi, _ in stats.distance]
    if stats.distance:
        km.bar(names, [n for _, _, n in stats.distance], color=ORANGE, alpha=0.8)
        km.tick_params(axis="x", labelrotation=45)
        if stats.distance_median is not None:
            km.text(0.95, 0.92, f"median {stats.distance_median:,.0f} km", transform=km.transAxes,
                    ha="right")  # fmt: skip
    else:
        _empty(km, "no matched pairs with coordinates")
    km.set(title="Distance of matched pairs", xlabel="km (uneven bins)", ylabel="matches")
    _hist(years, stats.age_gap, GREEN, "no matched pairs with birthdates")
    if stats.age_gap_median is not None:
        years.axvline(stats.age_gap_median, color="black", ls="--", lw=1)
        years.text(0.95, 0.92, f"median {stats.age_gap_median:g} years",
                   transform=years.transAxes, ha="right")  # fmt: skip
    years.set(title="Age gap of matched pairs", xlabel="years", ylabel="matches")
    for ax in (msgs, km, years):
        ax.grid(axis="y", alpha=0.3)
    return save(fig, out, "pairs.png")


PICTURES = (daily, rhythm, funnel, likes_received, pairs)
