"""Bar charts of targets across regions (`compare --plot`, notebooks/02), with Chinese labels."""
from __future__ import annotations

import warnings
from functools import lru_cache

import matplotlib
import pandas as pd
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

# Fonts with Chinese glyphs, most wanted first: Noto Sans SC, which the package depends on
# (pylopdf-fonts-zh-cn carries it, SIL Open Font License 1.1), so that a chart looks the same on
# every machine; then Debian's fonts-noto-cjk and fonts-wqy-*, then those of macOS and Windows.
CJK_FONTS = ("Noto Sans SC", "Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "Source Han Sans SC", "PingFang SC", "Heiti SC", "Microsoft YaHei", "SimHei")
LABEL_CHARS = 18
# More rows than this (143 cities' GDP targets) make no chart with one colour per region: the rows
# are drawn as a ranking of the one comparison most of them share.
MANY = 40
# A ranking's bars by what the figure's words say, so that 6%左右 and 6%以上 differ at a glance.
COMPARATOR_COLOURS = {"~": ("C0", "约 (左右)"), ">=": ("C1", "≥ (以上, 不低于)"), "=": ("C2", "= (as stated)"),
                      ">": ("C3", "> (超过, 突破)"), "<=": ("C4", "≤ (以内, 不超过)"), "<": ("C5", "< (低于)")}
# How a bar's value label shows its comparator ("≥99.9"): a floor and an exact amount differ.
COMPARATOR_MARKS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "~": "约"}


def _register_packaged_font() -> None:
    """Add the packaged Noto Sans SC to matplotlib's font list for this process: found by its path,
    it needs no system install and no rebuilt font cache."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:  # uninstalled by hand: a system font may still do
        return
    path = pylopdf_fonts_zh_cn.sans_path()
    if path.is_file():
        font_manager.fontManager.addfont(str(path))


@lru_cache(maxsize=None)
def cjk_font() -> str | None:
    """The first font of CJK_FONTS that matplotlib knows, else None (and a warning: labels then
    show as boxes)."""
    _register_packaged_font()
    installed = {font.name for font in font_manager.fontManager.ttflist}
    name = next((name for name in CJK_FONTS if name in installed), None)
    if name is None:
        warnings.warn("no font with Chinese glyphs found: reinstall policy-pipeline (its dependency "
                      "pylopdf-fonts-zh-cn carries Noto Sans SC); chart labels will show as boxes", stacklevel=2)
    return name


def use_cjk_font() -> None:
    """Put the CJK font first for every chart drawn after this (a notebook's own charts too)."""
    name = cjk_font()
    if name and matplotlib.rcParams["font.sans-serif"][:1] != [name]:
        matplotlib.rcParams["font.sans-serif"] = [name, *matplotlib.rcParams["font.sans-serif"]]
    matplotlib.rcParams["font.family"] = "sans-serif"
    # CJK fonts often lack the Unicode minus sign
    matplotlib.rcParams["axes.unicode_minus"] = False


def bar_chart(rows: pd.DataFrame, title: str) -> Figure:
    """Horizontal bars, one per row of compare_targets(), one panel per unit (艘 and % share no scale),
    coloured by region; more rows than MANY are drawn as a ranking of one comparison instead."""
    if len(rows) > MANY:
        return ranking_chart(rows, title)
    use_cjk_font()
    units = list(dict.fromkeys(rows["unit"].fillna("")))
    regions = list(dict.fromkeys(rows["region"].fillna("—")))
    colours = {region: f"C{i % 10}" for i, region in enumerate(regions)}
    fig = Figure(figsize=(9, 1.2 + 0.45 * len(rows) + 0.5 * len(units)), layout="constrained")
    FigureCanvasAgg(fig)  # the Agg canvas: PNG without a display, whatever pyplot's backend is
    panels = fig.subplots(len(units), 1, squeeze=False,
                          height_ratios=[(rows["unit"].fillna("") == unit).sum() for unit in units])[:, 0]
    for ax, unit in zip(panels, units):
        _panel(ax, rows[rows["unit"].fillna("") == unit], unit, colours)
    fig.suptitle(title)
    fig.legend(handles=[Patch(color=c, label=r) for r, c in colours.items()],
               loc="outside lower center", ncols=min(len(colours), 5), frameon=False)
    return fig


def _panel(ax, rows: pd.DataFrame, unit: str, colours: dict[str, str]) -> None:
    """One unit's bars, labelled region, year and subject, top to bottom in the rows' order."""
    region = rows["region"].fillna("—")
    labels = [f"{r} {'' if pd.isna(y) else int(y)}  {_short(s)}"
              for r, y, s in zip(region, rows["year"], rows["subject"].fillna(""))]
    positions = range(len(rows))[::-1]
    bars = ax.barh(list(positions), rows["value"], color=[colours[r] for r in region])
    ax.set_yticks(list(positions), labels)
    ax.bar_label(bars, labels=[f"{COMPARATOR_MARKS.get(c, '')}{v:g}" for c, v in zip(rows["comparator"], rows["value"])],
                 padding=3)
    if (rows["value"] % 1 == 0).all():
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 0.25 times a year
    ax.set_xlabel(unit or "(no unit)")
    ax.margins(x=0.12)
    ax.spines[["top", "right"]].set_visible(False)


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1] + "…"


def ranking_chart(rows: pd.DataFrame, title: str) -> Figure:
    """The targets of the category, unit and year most rows share, one bar per row, sorted by value and
    labelled with the region; a stretch (力争) or a range's top drawn lighter past its floor. The rows left
    out (statistics, other categories, units or years) are counted in the title: the table has them."""
    use_cjk_font()
    drawn = _main_comparison(rows)
    drawn = drawn.assign(region=drawn["region"].fillna("—"), value_max=_reach(drawn))
    drawn = drawn.sort_values(["value", "region"], ascending=[True, False])
    first = drawn.iloc[0]
    fig = Figure(figsize=(7, 1.6 + 0.16 * len(drawn)), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    positions = list(range(len(drawn)))
    colours = [COMPARATOR_COLOURS.get(c, ("C7", c))[0] for c in drawn["comparator"]]
    ax.barh(positions, drawn["value"], color=colours, height=0.75)
    stretch = drawn["value_max"].notna()
    ax.barh([p for p, s in zip(positions, stretch) if s], (drawn["value_max"] - drawn["value"])[stretch],
            left=drawn["value"][stretch], color=[c for c, s in zip(colours, stretch) if s], alpha=0.35, height=0.75)
    ax.set_yticks(positions, drawn["region"], fontsize=7.5)
    ax.set_ylim(-0.7, len(drawn) - 0.3)
    for position, c, v, m in zip(positions, drawn["comparator"], drawn["value"], drawn["value_max"]):
        # past the stretch, where there is one, so the label never covers it
        ax.annotate(_mark(c, v, m), (v if pd.isna(m) else max(v, m), position), xytext=(2, 0),
                    textcoords="offset points", va="center", fontsize=6.5)
    ax.set_xlabel(first["unit"] or "(no unit)")
    ax.margins(x=0.08)
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["bottom", "right"]].set_visible(False)
    year = "" if pd.isna(first["year"]) else f"{int(first['year'])} "
    left_out = len(rows) - len(drawn)
    fig.suptitle(f"{title}\n{year}{first['category'] or first['subject']}: {len(drawn)} targets"
                 + (f" ({left_out} other rows, in the table, not drawn)" if left_out else ""), fontsize=10)
    used = dict.fromkeys(drawn["comparator"])
    handles = [Patch(color=COMPARATOR_COLOURS[c][0], label=COMPARATOR_COLOURS[c][1]) for c in used if c in COMPARATOR_COLOURS]
    if stretch.any():
        handles.append(Patch(color="C7", alpha=0.35, label="stretch (力争)"))
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 3), frameon=False, fontsize=8)
    return fig


def _main_comparison(rows: pd.DataFrame) -> pd.DataFrame:
    """The targets (statistics left out) of the category, unit and year most rows share."""
    targets = rows[rows["kind"] == "target"] if "kind" in rows else rows
    if targets.empty:
        targets = rows
    keys = targets[["category", "unit", "year"]].astype(str)
    counts = keys.value_counts(sort=True)
    named = [key for key in counts.index if key[0] not in ("None", "nan")]  # a category beats none
    best = named[0] if named else counts.index[0]
    return targets[(keys == pd.Series(best, index=keys.columns)).all(axis=1)]


def _reach(rows: pd.DataFrame) -> pd.Series:
    """How far past its value each row reaches: its stretch (compare_targets' `stretch`), else its range's top."""
    top = rows["value_max"].astype(float) if "value_max" in rows else pd.Series(float("nan"), index=rows.index)
    return rows["stretch"].astype(float).fillna(top) if "stretch" in rows else top


def _mark(comparator: str, value: float, value_max) -> str:
    stretch = "" if pd.isna(value_max) else f"–{value_max:g}"
    return f"{COMPARATOR_MARKS.get(comparator, '')}{value:g}{stretch}"
