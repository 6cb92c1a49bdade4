"""The instructor report: one self-contained report.html for a graded folder.

First what the class misunderstood (the most frequent diagnoses, with the students
who had them), then the score distribution, the pass rate per check and a sortable
table with one row per student.  results.json files are streamed: only a row per
student and the counts are kept.  The plots are matplotlib SVGs with glyphs drawn as
paths, and the page's own Japanese text uses a subset of the bundled IPAex Gothic font
(embedding is allowed by its licence), so the page needs no network and no fonts.
"""
import base64
import io
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import escape, results
from .course import UsageError
from .files import read_csv, write_atomic

NAMES_SHOWN = 30          # more students than this under a diagnosis: the list is folded


@dataclass
class Diagnosis:
    function: str
    code: str
    students: list = field(default_factory=list)
    example: str = ""     # the feedback one student got, to show what the code means


@dataclass
class ClassResults:
    rows: list = field(default_factory=list)          # (student, score, {function: score}, [codes])
    passed: Counter = field(default_factory=Counter)  # check id -> students who passed it
    graded: Counter = field(default_factory=Counter)  # check id -> students graded on it
    diagnoses: dict = field(default_factory=dict)     # (function, code) -> Diagnosis
    reduced: int = 0                                  # graded without bubblewrap
    skipped: int = 0                                  # unreadable, or another assignment's

    def add(self, graded):
        codes = []
        for check in graded.checks:
            self.graded[check.id] += 1
            if check.passed:
                self.passed[check.id] += 1
                continue
            code = check.diagnosis or "wrong_value"
            key = (check.function, code)
            if key not in self.diagnoses:
                self.diagnoses[key] = Diagnosis(*key, example=check.output)
            if code not in codes:
                codes.append(code)
            students = self.diagnoses[key].students
            if not students or students[-1] != graded.student:
                students.append(graded.student)
        functions = {function.function: function.score for function in graded.functions()}
        self.rows.append((graded.student, graded.score, functions, codes))
        self.reduced += graded.isolation != "full"


def collect(graded_dir, assignment_id):
    """Stream DIR/*/results.json into the counts the report shows."""
    found = ClassResults()
    for path in Path(graded_dir).glob(f"*/{results.RESULTS}"):
        graded = results.read(path)
        if graded is None or graded.assignment != assignment_id:
            found.skipped += 1
            continue
        found.add(graded)
    found.rows.sort(key=lambda row: row[0])
    return found


# ----- plots ---------------------------------------------------------------

def _plots(found, assignment):
    """(histogram, pass-rate chart) as SVG text; matplotlib is imported here only."""
    import matplotlib

    rc = {"svg.fonttype": "path", "svg.hashsalt": "classreport", "axes.unicode_minus": False}
    with matplotlib.rc_context(rc):
        import matplotlib_fontja             # registers the bundled IPAex Gothic font
        matplotlib.rcParams["font.family"] = matplotlib_fontja.matplotlib_fontja.FONT_NAME
        return _histogram(found, assignment), _pass_rates(found, assignment)


def _figure(width, height):
    from matplotlib.figure import Figure     # no pyplot: no GUI backend, no global state
    return Figure(figsize=(width, height), layout="constrained").add_subplot()


def _histogram(found, assignment):
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    scores = [row[1] for row in found.rows]
    top = assignment.max_score
    whole = top <= 60 and all(float(p).is_integer() for p in assignment.points.values())
    bins = np.arange(-0.5, top + 1) if whole else np.linspace(0, top, 31)
    axes = _figure(7.5, 3.4)
    axes.hist(scores, bins=bins, color="#4C72B0", edgecolor="white")
    mean = statistics.fmean(scores)
    axes.axvline(mean, color="#C44E52", linestyle="--", zorder=3, label=f"平均 / mean = {mean:.1f}")
    axes.set(xlim=(bins[0], bins[-1]), xlabel="得点 / Score", ylabel="学生数 / Students",
             title=f"得点分布 / Score distribution (n = {len(scores)})")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="best")
    return _svg(axes.figure)


def _pass_rates(found, assignment):
    checks = list(assignment.points)
    rates = [100 * found.passed[c] / found.graded[c] if found.graded[c] else 0 for c in checks]
    functions = list(assignment.function_points())
    colours = [f"C{functions.index(c.split('::')[0]) % 10}" for c in checks]
    axes = _figure(8, 0.8 + 0.3 * len(checks))
    bars = axes.barh(range(len(checks)), rates, color=colours)
    axes.bar_label(bars, fmt="%.0f%%", padding=3, fontsize=8)
    axes.set_yticks(range(len(checks)), checks, fontsize=8)
    axes.invert_yaxis()
    axes.set(xlim=(0, 110), xlabel="合格した学生の割合 (%) / Students who passed (%)",
             title="チェックごとの合格率 / Pass rate per check")
    return _svg(axes.figure)


def _svg(figure):
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _image(svg, alt):
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{escape.html(alt)}">'


# ----- page ----------------------------------------------------------------

def _font_face(text):
    """@font-face with the bundled Japanese font cut down to the characters in ``text``."""
    from fontTools import subset
    from matplotlib_fontja import get_font_ttf_path

    options = subset.Options(flavor="woff", hinting=False)
    font = subset.load_font(get_font_ttf_path(), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return ('@font-face { font-family: "ReportJa"; '
            f'src: url(data:font/woff;base64,{data}) format("woff"); }}')


def _diagnoses(found, assignment):
    order = {function: n for n, function in enumerate(assignment.function_points())}
    ranked = sorted(found.diagnoses.values(),
                    key=lambda d: (-len(d.students), order.get(d.function, len(order)), d.code))
    count = len(found.rows)
    if not ranked:
        return "<p>誤答はありませんでした。 / No wrong answers.</p>"
    items = []
    for diagnosis in ranked:
        n = len(diagnosis.students)
        names = escape.html(", ".join(diagnosis.students))
        who = f'<p class="who">{names}</p>' if n <= NAMES_SHOWN else \
            f'<details class="who"><summary>{n} 人を表示 / show {n} students</summary>{names}</details>'
        items.append(
            f'<li><h3><code>{escape.html(diagnosis.code)}</code>'
            f' — <code>{escape.html(diagnosis.function)}</code>'
            f' <span class="count">{n} 人 / students ({100 * n / count:.0f}%)</span></h3>'
            f'<p class="example">{escape.html(diagnosis.example)}</p>{who}</li>')
    return '<ol class="diagnoses">' + "".join(items) + "</ol>"


def _table(found, assignment):
    functions = assignment.function_points()
    head = ['<th data-type="text"><button>学生 / Student</button></th>',
            f'<th data-type="number"><button>得点 / Score ({assignment.max_score:g})</button></th>']
    head += [f'<th data-type="number"><button>{escape.html(f)} ({p:g})</button></th>'
             for f, p in functions.items()]
    head.append('<th data-type="text"><button>診断 / Diagnoses</button></th>')
    body = []
    for student, score, scores, codes in found.rows:
        cells = [f"<td>{escape.html(student)}</td>", f'<td data-value="{score:g}">{score:g}</td>']
        cells += [f'<td data-value="{scores[f]:g}">{scores[f]:g}</td>' if f in scores
                  else '<td data-value="-1">–</td>' for f in functions]
        cells.append(f"<td>{escape.html(', '.join(codes))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="sortable" id="students"><thead><tr>{"".join(head)}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _summary(found, assignment):
    scores = [row[1] for row in found.rows]
    full = sum(score == assignment.max_score for score in scores)
    facts = [("学生数 / Students", f"{len(scores)}"),
             ("平均 / Mean", f"{statistics.fmean(scores):.1f} / {assignment.max_score:g}"),
             ("中央値 / Median", f"{statistics.median(scores):g}"),
             ("最低–最高 / Min–max", f"{min(scores):g} – {max(scores):g}"),
             ("満点 / Full marks", f"{full}")]
    lines = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    notes = []
    if found.reduced:
        notes.append(f"{found.reduced} 件は reduced 隔離で採点"
                     f" / {found.reduced} graded with reduced isolation")
    if found.skipped:
        notes.append(f"{found.skipped} 件の results.json を読み飛ばしました(読めない、または別の課題)"
                     f" / {found.skipped} results.json skipped (unreadable or another assignment)")
    return f"<dl>{lines}</dl>" + "".join(f'<p class="note">{n}</p>' for n in notes)


def _overrides(graded_dir):
    """The manual adjustments applied on export (grades_final.csv), each with its reason."""
    path = Path(graded_dir) / "grades_final.csv"
    if not path.is_file():
        return ""
    changed = [row for row in read_csv(path) if row.get("overrides")]
    if not changed:
        return ""
    rows = "".join(f"<tr><td>{escape.html(r['student'])}</td><td>{escape.html(r.get('original_score', ''))}"
                   f" → {escape.html(r['score'])}</td><td>{escape.html(r['overrides'])}</td></tr>"
                   for r in changed)
    return ("<h2>手動調整 / Manual adjustments</h2>"
            "<p>overrides.csv から grades_final.csv に適用 / applied from overrides.csv to grades_final.csv</p>"
            "<table><thead><tr><th>学生 / Student</th><th>得点 / Score</th><th>理由 / Reason</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def render(found, assignment, overrides=""):
    """The whole page as one string."""
    histogram, pass_rates = _plots(found, assignment)
    title = f"{assignment.id}: {assignment.title}"
    body = f"""<body>
<h1>クラスレポート / Class report — {escape.html(title)}</h1>
{_summary(found, assignment)}
<h2>クラス全体の誤解 / What the class misunderstood</h2>
<p>診断ごとの学生数(多い順)/ Students per diagnosis, most frequent first.</p>
{_diagnoses(found, assignment)}
<h2>得点分布 / Score distribution</h2>
<figure>{_image(histogram, "得点分布 / Score distribution")}</figure>
<h2>チェックごとの合格率 / Pass rate per check</h2>
<figure>{_image(pass_rates, "チェックごとの合格率 / Pass rate per check")}</figure>
<h2>学生ごとの結果 / Students</h2>
<p>見出しをクリックすると並べ替えます / Click a heading to sort.</p>
{_table(found, assignment)}
{overrides}
<script>{SORT_SCRIPT}</script>
</body>"""
    return (f'<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape.html(title)}</title>"
            f"<style>{_font_face(title + body + STYLE)}{STYLE}</style></head>\n"
            f"{body}</html>\n")


def write_report(graded_dir, assignment):
    """Write GRADED_DIR/report.html for ``assignment`` (an Assignment); return its path."""
    found = collect(graded_dir, assignment.id)
    if not found.rows:
        raise UsageError(f"no results.json for {assignment.id} in {graded_dir}/*/")
    path = Path(graded_dir) / "report.html"
    write_atomic(path, render(found, assignment, _overrides(graded_dir)))
    return path


def report_command(course, args):
    """python -m autograder report GRADED_FOLDER (the assignment is read from its results)."""
    folder = Path(args.graded)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder (give the folder `grade --out` wrote)")
    assignment_id = next((graded.assignment for path in sorted(folder.glob(f"*/{results.RESULTS}"))
                          if (graded := results.read(path)) is not None), None)
    if assignment_id is None:
        raise UsageError(f"no results.json in {folder}/*/ (grade first: python -m autograder grade)")
    path = write_report(folder, course.assignment(assignment_id))
    print(f"report written to {path}")
    return 0


STYLE = """
body { font-family: "ReportJa", sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.5; }
dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dt { font-weight: bold; } dd { margin: 0; }
.note { color: #8a5a00; }
ol.diagnoses li { margin-bottom: 1rem; }
ol.diagnoses h3 { font-size: 1rem; margin: 0; }
.count { color: #C44E52; }
.example { white-space: pre-line; margin: .2rem 0; color: #444; font-size: .9rem; }
.who { margin: .2rem 0; }
figure { margin: 0; } figure img { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .2rem .5rem; }
td { text-align: right; }
td:first-child, td:last-child { text-align: left; }
th button { font: inherit; font-weight: bold; border: 0; background: none; cursor: pointer; }
th[aria-sort=ascending] button::after { content: " ▲"; }
th[aria-sort=descending] button::after { content: " ▼"; }
tbody tr:nth-child(even) { background: #f6f6f6; }
"""

SORT_SCRIPT = """
document.querySelectorAll("table.sortable th").forEach((th, column) => {
  th.querySelector("button").addEventListener("click", () => {
    const table = th.closest("table"), body = table.tBodies[0];
    const ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(other => other.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const numeric = th.dataset.type === "number";
    const keyed = Array.from(body.rows, row => {
      const cell = row.cells[column];
      return [numeric ? Number(cell.dataset.value) : cell.textContent, row];
    });
    const order = numeric ? (a, b) => a[0] - b[0] : (a, b) => a[0].localeCompare(b[0], "ja");
    keyed.sort((a, b) => ascending ? order(a, b) : order(b, a));
    const rows = document.createDocumentFragment();
    keyed.forEach(([, row]) => rows.append(row));
    body.append(rows);
  });
});
"""
