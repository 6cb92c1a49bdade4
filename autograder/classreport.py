"""The instructor report: one self-contained page for a graded folder.

report.html (for the instructor): the statistics, what the class misunderstood (the most
frequent diagnoses, with the students who had them), apart from it what could not be
judged (not implemented, missing, crashed, unreadable: one line per student), the score
distribution, the pass rate per check, and a sortable table whose rows link to each
student's feedback.md.  report_anonymous.html (``report --anonymous``, to project in the
lecture): the same counts, plots and ranked diagnoses and nothing that names a student:
no table, no student lists, no links, no example message that quotes one.

Scores are the final ones of grades_final.csv (after late penalties, overrides and written
marks) when the folder has it, else the autograded ones of results.json; non-submitters
are counted, never averaged in.  results.json files are streamed: only a row per student
and the counts are kept.  The plots are matplotlib SVGs with glyphs drawn as paths, and
the page's own Japanese text uses a subset of the bundled IPAex Gothic font (embedding is
allowed by its licence), so the page needs no network and no fonts.
"""
import base64
import io
import statistics
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import escape, results
from .course import UsageError
from .files import read_csv, write_atomic
from .final import NOT_SUBMITTED, SUBMITTED, FinalGrade, flag_text, read_final
from .submissions import key_of_folder, student_folder, student_key

REPORT, ANONYMOUS = "report.html", "report_anonymous.html"
FINAL = "grades_final.csv"
NAMES_SHOWN = 30          # more students than this under a diagnosis: the list is folded

# Codes that say a function could not be judged, not what a student misunderstood: they are
# listed apart from the diagnoses, one line per student.
NOT_JUDGED = {
    "not_implemented": ("未実装", "not implemented"),
    "missing_function": ("関数が見つからない", "function missing"),
    "crashed": ("実行時エラー", "crashed"),
    "timeout": ("時間切れ", "time limit"),
    "output_limit": ("出力過多", "too much output"),
    "memory_limit": ("メモリ超過", "out of memory"),
    "not_gradable": ("提出を読み込めない", "could not be read"),
    "not_started": ("未着手", "not started"),      # every function not implemented or missing
}
NOT_STARTED = {"not_implemented", "missing_function"}


def _label(code):
    ja, en = NOT_JUDGED[code]
    return f"{ja} / {en}"


@dataclass
class Diagnosis:
    function: str
    code: str
    students: list = field(default_factory=list)
    example: str = ""     # the feedback one student got, to show what the code means


@dataclass
class Row:
    """One student, as the table shows them."""
    student: str
    score: float | None                  # final (else autograded); None: nothing submitted
    autograded: float | None = None      # None: no results.json
    functions: dict = field(default_factory=dict)   # function -> autograded score
    codes: list = field(default_factory=list)       # every failure code, diagnoses first seen first
    name: str = ""
    status: str = SUBMITTED
    flags: list = field(default_factory=list)
    adjustments: list = field(default_factory=list)
    feedback: str = ""                   # relative link to <student folder>/feedback.md ("": none)

    @property
    def submitted(self):
        return self.status != NOT_SUBMITTED and self.score is not None


@dataclass
class ClassResults:
    rows: list = field(default_factory=list)          # [Row], by student
    passed: Counter = field(default_factory=Counter)  # check id -> students who passed it
    graded: Counter = field(default_factory=Counter)  # check id -> students graded on it
    diagnoses: dict = field(default_factory=dict)     # (function, code) -> Diagnosis
    not_judged: dict = field(default_factory=dict)    # student -> [(code in NOT_JUDGED, [function])]
    reduced: int = 0                                  # graded without bubblewrap
    skipped: int = 0                                  # unreadable, or another assignment's
    final: bool = False                               # scores from grades_final.csv
    max_score: float = 0.0                            # of the scores shown
    unfinalised: int = 0                              # graded, yet not in grades_final.csv

    @property
    def scores(self):
        """The scores of submitted work: what the statistics and the histogram show."""
        return [row.score for row in self.rows if row.submitted]

    @property
    def judged(self):
        """Students with a results.json."""
        return sum(row.autograded is not None for row in self.rows)

    def flagged(self, *flags):
        return sum(all(flag in row.flags for flag in flags) for row in self.rows)

    def add(self, graded):
        codes, not_judged = [], {}
        for check in graded.checks:
            self.graded[check.id] += 1
            if check.passed:
                self.passed[check.id] += 1
                continue
            code = check.diagnosis or "wrong_value"
            if code not in codes:
                codes.append(code)
            if code in NOT_JUDGED:
                functions = not_judged.setdefault(code, [])
                if check.function not in functions:
                    functions.append(check.function)
                continue
            key = (check.function, code)
            if key not in self.diagnoses:
                self.diagnoses[key] = Diagnosis(*key, example=check.output)
            students = self.diagnoses[key].students
            if not students or students[-1] != graded.student:
                students.append(graded.student)
        functions = {function.function: function.score for function in graded.functions()}
        if not_judged:
            self.not_judged[graded.student] = _not_judged(not_judged, functions, graded.score)
        self.rows.append(Row(graded.student, graded.score, graded.score, functions, codes))
        self.reduced += graded.isolation != "full"


def _not_judged(codes, functions, score):
    """One student's line: a submission with nothing to judge is one 'could not be read' or
    'not started' (with the functions); else each code with its functions."""
    if set(codes) == {"not_gradable"}:
        return [("not_gradable", [])]
    touched = {function for listed in codes.values() for function in listed}
    if score == 0 and set(codes) <= NOT_STARTED and touched >= set(functions):
        return [("not_started", list(functions))]
    return list(codes.items())


def collect(graded_dir, assignment):
    """Stream DIR/*/results.json into the counts the report shows, with grades_final.csv's
    final scores, names, statuses and flags when it exists."""
    found = ClassResults(max_score=assignment.max_score)
    paths = sorted(Path(graded_dir).glob(f"*/{results.RESULTS}"), key=lambda path: key_of_folder(path.parent.name))
    for path in paths:                           # by student: so are the lists of students
        graded = results.read(path)
        if graded is None or graded.assignment != assignment.id:
            found.skipped += 1
            continue
        found.add(graded)
    finals = _read_final(graded_dir)
    if finals is not None and found.rows:
        _use_final(found, finals, assignment)
    for row in found.rows:
        folder = student_folder(graded_dir, row.student)
        if (folder / results.FEEDBACK).is_file():
            row.feedback = f"{urllib.parse.quote(folder.name, safe='')}/{results.FEEDBACK}"
    found.rows.sort(key=lambda row: row.student)
    return found


def _read_final(graded_dir):
    """grades_final.csv's [FinalGrade], or None when the folder has none."""
    path = Path(graded_dir) / FINAL
    if not path.is_file():
        return None
    try:
        rows = read_csv(path)
        if rows and "status" not in rows[0]:     # written by overrides alone, before the finish stage
            return [FinalGrade(row["student"], score=float(row["score"]), max_score=float(row["max_score"]),
                               autograded_score=float(row.get("original_score") or row["score"]),
                               notes=[note for note in (row.get("overrides") or "").split("; ") if note])
                    for row in rows]
        return read_final(path)
    except (KeyError, ValueError) as error:
        raise UsageError(f"{path} cannot be read ({type(error).__name__}: {error}): correct it, "
                         f"or move it away to report the autograded scores") from None


def _use_final(found, finals, assignment):
    rows = {row.student: row for row in found.rows}
    for grade in finals:
        key = student_key(grade.student)
        row = rows.pop(key, None)
        if row is None:                          # not submitted (or nothing graded)
            row = Row(key, None)
            found.rows.append(row)
        row.name, row.status = grade.name, grade.status
        row.flags, row.adjustments = list(grade.flags), list(grade.notes)
        row.score = None if grade.status == NOT_SUBMITTED else grade.score
    tops = Counter(grade.max_score for grade in finals if grade.max_score)
    found.max_score = tops.most_common(1)[0][0] if tops else assignment.final_max_score
    found.final, found.unfinalised = True, len(rows)


# ----- plots ---------------------------------------------------------------

def _plots(found, assignment):
    """(histogram, pass-rate chart) as SVG text; matplotlib is imported here only."""
    import matplotlib

    rc = {"svg.fonttype": "path", "svg.hashsalt": "classreport", "axes.unicode_minus": False}
    with matplotlib.rc_context(rc):
        import matplotlib_fontja             # registers the bundled IPAex Gothic font
        matplotlib.rcParams["font.family"] = matplotlib_fontja.matplotlib_fontja.FONT_NAME
        return _histogram(found), _pass_rates(found, assignment)


def _figure(width, height):
    from matplotlib.figure import Figure     # no pyplot: no GUI backend, no global state
    return Figure(figsize=(width, height), layout="constrained").add_subplot()


def _histogram(found):
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    scores = found.scores
    top = max([found.max_score, *scores])     # extra credit may pass the maximum
    whole = top <= 60 and all(float(score).is_integer() for score in [top, *scores])
    bins = np.arange(-0.5, top + 1) if whole else np.linspace(0, top, 31)
    axes = _figure(7.5, 3.4)
    axes.hist(scores, bins=bins, color="#4C72B0", edgecolor="white")
    if scores:
        mean = statistics.fmean(scores)
        axes.axvline(mean, color="#C44E52", linestyle="--", zorder=3, label=f"平均 / mean = {mean:.1f}")
        axes.legend(loc="best")
    which = "最終得点 / final" if found.final else "自動採点 / autograded"
    axes.set(xlim=(bins[0], bins[-1]), xlabel=f"得点 / Score ({which})", ylabel="学生数 / Students",
             title=f"得点分布 / Score distribution (n = {len(scores)})")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
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


def _who(students):
    n = len(students)
    names = escape.html(", ".join(students))
    return f'<p class="who">{names}</p>' if n <= NAMES_SHOWN else \
        f'<details class="who"><summary>{n} 人を表示 / show {n} students</summary>{names}</details>'


def _diagnoses(found, assignment, private):
    """The ranked misconceptions; ``private`` (the anonymous page): who is left out, and so
    is an example message that quotes any of these strings."""
    order = {function: n for n, function in enumerate(assignment.function_points())}
    ranked = sorted(found.diagnoses.values(),
                    key=lambda d: (-len(d.students), order.get(d.function, len(order)), d.code))
    if not ranked:
        return "<p>誤答はありませんでした。 / No wrong answers.</p>"
    items = []
    for diagnosis in ranked:
        n = len(diagnosis.students)
        example = diagnosis.example
        if private is not None and any(secret in example.casefold() for secret in private):
            example = "(例は学生の名前などを含むため省略 / example left out: it quotes a student)"
        items.append(
            f'<li><h3><code>{escape.html(diagnosis.code)}</code>'
            f' — <code>{escape.html(diagnosis.function)}</code>'
            f' <span class="count">{n} 人 / students ({100 * n / found.judged:.0f}%)</span></h3>'
            f'<p class="example">{escape.html(example)}</p>'
            f'{"" if private is not None else _who(diagnosis.students)}</li>')
    return '<ol class="diagnoses">' + "".join(items) + "</ol>"


def _functions(functions):
    return ", ".join(f"<code>{escape.html(function)}</code>" for function in functions)


def _not_judged_section(found, anonymous):
    """What could not be judged: one line per student, or (anonymous) how many per function."""
    if not found.not_judged:
        return "<p>なし / None.</p>"
    if anonymous:
        counts = Counter()
        for lines in found.not_judged.values():
            for code, functions in lines:
                whole = code in ("not_started", "not_gradable")      # the student, not a function
                counts.update([(code, "")] if whole else [(code, function) for function in functions])
        items = [f"<li>{_label(code)}{' — ' + _functions([function]) if function else ''}: "
                 f'<span class="count">{n} 人 / students</span></li>'
                 for (code, function), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    else:
        items = [f'<li><span class="student">{escape.html(student)}</span>: '
                 + "; ".join(_label(code) + (f" — {_functions(functions)}" if functions else "")
                             for code, functions in lines) + "</li>"
                 for student, lines in sorted(found.not_judged.items())]
    return f'<ul class="not-judged">{"".join(items)}</ul>'


def _number(value):
    """A sortable numeric cell; None shows as –."""
    if value is None:
        return '<td data-value="-1">–</td>'
    return f'<td data-value="{value:g}">{value:g}</td>'


def _text(value):
    return f'<td class="text">{escape.html(value)}</td>'


def _student(row):
    student = escape.html(row.student)
    return f'<td><a href="{escape.html(row.feedback)}">{student}</a></td>' if row.feedback else f"<td>{student}</td>"


def _status(row):
    return _text(", ".join(map(flag_text, row.flags or ([row.status] if row.status != SUBMITTED else []))))


def _table(found, assignment):
    """One row per student; the name, autograded score and status come with grades_final.csv."""
    final = found.final
    columns = [("学生 / Student", "text", _student),
               final and ("氏名 / Name", "text", lambda row: _text(row.name)),
               (f"得点 / Score ({found.max_score:g})", "number", lambda row: _number(row.score)),
               final and (f"自動採点 / Autograded ({assignment.max_score:g})", "number",
                          lambda row: _number(row.autograded)),
               *[(f"{function} ({points:g})", "number", lambda row, f=function: _number(row.functions.get(f)))
                 for function, points in assignment.function_points().items()],
               final and ("状態 / Status", "text", _status),
               ("診断 / Diagnoses", "text", lambda row: _text(", ".join(row.codes)))]
    columns = [column for column in columns if column]
    head = "".join(f'<th data-type="{kind}"><button>{escape.html(heading)}</button></th>'
                   for heading, kind, _ in columns)
    body = "".join("<tr>" + "".join(cell(row) for _, _, cell in columns) + "</tr>" for row in found.rows)
    return (f'<table class="sortable" id="students"><thead><tr>{head}</tr></thead>'
            f'<tbody>{body}</tbody></table>')


def _summary(found):
    scores = found.scores
    top = found.max_score
    facts = [("得点 / Scores", "最終得点(遅延減点・手動調整・記述採点を反映、grades_final.csv)"
              " / final scores (after late penalties, overrides, written marks)" if found.final
              else "自動採点のみ / autograded scores only"),
             ("提出 / Submitted", f"{len(scores)} 人 / students")]
    notes = []
    if found.final:
        absent = sum(row.status == NOT_SUBMITTED for row in found.rows)
        late, extended = found.flagged("late"), found.flagged("late", "extension")
        facts += [("未提出 / Not submitted", f"{absent} 人 / students"),
                  ("遅延 / Late", f"{late} 人、うち期限延長 {extended} 人"
                                  f" / {late} students, of which {extended} with an extension"),
                  ("記述採点待ち / Written answers pending",
                   f"{found.flagged('written_pending')} 人 / students")]
        facts += [(flag_text(flag), f"{found.flagged(flag)} 人 / students")
                  for flag in ("not_accepted", "time_unknown", "not_on_roster", "grader_failed")
                  if found.flagged(flag)]
        notes.append(f"統計とグラフは提出した {len(scores)} 人の最終得点です。"
                     f"未提出の {absent} 人は含みません。"
                     f" / Statistics and plots: the final scores of the {len(scores)} who submitted;"
                     f" the {absent} who did not are left out.")
        if found.flagged("written_pending"):
            notes.append("記述採点待ちの学生の得点には、その記述問題の点が入っていません。"
                         " / Where written answers are pending, the score does not include them yet.")
        if found.unfinalised:
            notes.append(f"{found.unfinalised} 人は grades_final.csv になく、"
                     f"自動採点の得点で集計しています"
                         f" / {found.unfinalised} graded students are not in grades_final.csv:"
                         f" their autograded score is used")
    if scores:
        full = sum(score >= top for score in scores)
        facts += [("平均 / Mean", f"{statistics.fmean(scores):.1f} / {top:g}"),
                  ("中央値 / Median", f"{statistics.median(scores):g}"),
                  ("最低–最高 / Min–max", f"{min(scores):g} – {max(scores):g}"),
                  ("満点 / Full marks", f"{full} 人 / students")]
    if found.reduced:
        notes.append(f"{found.reduced} 件は reduced 隔離で採点"
                     f" / {found.reduced} graded with reduced isolation")
    if found.skipped:
        notes.append(f"{found.skipped} 件の results.json を読み飛ばしました(読めない、または別の課題)"
                     f" / {found.skipped} results.json skipped (unreadable or another assignment)")
    lines = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    return f'<dl class="summary">{lines}</dl>' + "".join(f'<p class="note">{n}</p>' for n in notes)


def _adjustments(found):
    """Every change a person made to a score, with its reason (grades_final.csv)."""
    changed = [row for row in found.rows if row.adjustments]
    if not changed:
        return ""
    rows = "".join(f"<tr><td>{escape.html(row.student)}</td>"
                   f"<td>{'–' if row.autograded is None else f'{row.autograded:g}'} → "
                   f"{'–' if row.score is None else f'{row.score:g}'}</td>"
                   f"<td>{escape.html('; '.join(row.adjustments))}</td></tr>" for row in changed)
    return ("<h2>手動調整 / Manual adjustments</h2>"
            "<p>grades_final.csv の調整と理由 / the adjustments in grades_final.csv, with their reasons</p>"
            "<table><thead><tr><th>学生 / Student</th><th>自動採点 → 最終 / Autograded → final</th>"
            f"<th>理由 / Reason</th></tr></thead><tbody>{rows}</tbody></table>")


def _private(found, graded_dir):
    """What the anonymous page must not hold, casefolded: ids, their folder names, names
    and each part of a name (a family name alone names a student too)."""
    secrets = set()
    for row in found.rows:
        secrets |= {row.student, student_folder(graded_dir, row.student).name, row.name, *row.name.split()}
    return {secret.casefold() for secret in secrets if secret.strip()}


def render(found, assignment, *, private=None):
    """The whole page as one string; ``private`` (see _private): the anonymous page."""
    histogram, pass_rates = _plots(found, assignment)
    anonymous = private is not None
    title = f"{assignment.id}: {assignment.title}"
    kind = "クラスレポート(匿名)/ Class report (anonymous)" if anonymous else "クラスレポート / Class report"
    which = "最終得点 / final scores" if found.final else "自動採点 / autograded scores"
    students = "" if anonymous else f"""
<h2>学生ごとの結果 / Students</h2>
<p>見出しをクリックすると並べ替えます。学生をクリックするとフィードバック(feedback.md)を開きます。
 / Click a heading to sort, a student to open their feedback (feedback.md).</p>
{_table(found, assignment)}
{_adjustments(found)}
<script>{SORT_SCRIPT}</script>"""
    body = f"""<body{' class="anonymous"' if anonymous else ''}>
<h1>{kind} — {escape.html(title)}</h1>
{_summary(found)}
<h2>クラス全体の誤解 / What the class misunderstood</h2>
<p>診断ごとの学生数(多い順)/ Students per diagnosis, most frequent first.</p>
{_diagnoses(found, assignment, private)}
<h2>採点できなかったもの / Not judged: not implemented, missing, crashed, unreadable</h2>
<p>誤解ではないため別に数えます{'' if anonymous else '(一人一行)'}
 / Not misconceptions, so counted apart{'' if anonymous else ' (one line per student)'}.</p>
{_not_judged_section(found, anonymous)}
<h2>得点分布 / Score distribution</h2>
<figure>{_image(histogram, "得点分布 / Score distribution")}
<figcaption>n = {len(found.scores)}, {which}</figcaption></figure>
<h2>チェックごとの合格率 / Pass rate per check</h2>
<figure>{_image(pass_rates, "チェックごとの合格率 / Pass rate per check")}</figure>
{students}
</body>"""
    return (f'<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape.html(title)}</title>"
            f"<style>{_font_face(title + body + STYLE)}{STYLE}</style></head>\n"
            f"{body}</html>\n")


def write_report(graded_dir, assignment, *, anonymous=False):
    """Write GRADED_DIR/report.html for ``assignment`` (an Assignment), or with ``anonymous``
    report_anonymous.html; return its path."""
    found = collect(graded_dir, assignment)
    if not found.judged:
        raise UsageError(f"no results.json for {assignment.id} in {graded_dir}/*/")
    path = Path(graded_dir) / (ANONYMOUS if anonymous else REPORT)
    write_atomic(path, render(found, assignment, private=_private(found, graded_dir) if anonymous else None))
    return path


def report_command(course, args):
    """python -m autograder report GRADED_FOLDER [--anonymous] (the assignment is read from its results).
    The finish stage runs first, so the report counts every mark and override on disk."""
    folder = Path(args.graded)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder (give the folder `grade --out` wrote)")
    assignment_id = next((graded.assignment for path in sorted(folder.glob(f"*/{results.RESULTS}"))
                          if (graded := results.read(path)) is not None), None)
    if assignment_id is None:
        raise UsageError(f"no results.json in {folder}/*/ (grade first: python -m autograder grade)")
    assignment = course.assignment(assignment_id)
    from .finish import finish                  # marks and overrides added since grading count
    from .overrides import OverrideError
    try:
        finish(folder, course, assignment, class_report=False)
    except OverrideError as error:
        raise UsageError(str(error)) from None
    path = write_report(folder, assignment, anonymous=args.anonymous)
    print(f"report written to {path}")
    return 0


STYLE = """
body { font-family: "ReportJa", sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.5; }
body.anonymous { font-size: 1.15rem; }
dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dt { font-weight: bold; } dd { margin: 0; }
.note { color: #8a5a00; }
ol.diagnoses li { margin-bottom: 1rem; }
ol.diagnoses h3 { font-size: 1rem; margin: 0; }
.count { color: #C44E52; }
.example { white-space: pre-line; margin: .2rem 0; color: #444; font-size: .9rem; }
.who { margin: .2rem 0; }
figure { margin: 0; } figure img { max-width: 100%; height: auto; }
figcaption { color: #444; font-size: .9rem; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .2rem .5rem; }
td { text-align: right; }
td:first-child, td:last-child, td.text { text-align: left; }
th button { font: inherit; font-weight: bold; border: 0; background: none; cursor: pointer; }
th[aria-sort=ascending] button::after { content: " ▲"; }
th[aria-sort=descending] button::after { content: " ▼"; }
tbody tr:nth-child(even) { background: #f6f6f6; }
"""

# Sorts the table whose heading was clicked by that column (data-type number: data-value).
SORT_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(table => {
  const headings = table.querySelectorAll("thead th");
  headings.forEach(th => th.querySelector("button").addEventListener("click", () => {
    const column = th.cellIndex, body = table.tBodies[0];
    const ascending = th.getAttribute("aria-sort") !== "ascending";
    headings.forEach(other => other.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const numeric = th.dataset.type === "number";
    const keyed = Array.from(body.rows, row => {
      const cell = row.cells[column];
      return [numeric ? Number(cell.dataset.value) : cell.textContent, row];
    });
    const order = numeric ? (a, b) => a[0] - b[0] : (a, b) => a[0].localeCompare(b[0], "ja");
    keyed.sort((a, b) => ascending ? order(a, b) : order(b, a));
    body.append(...keyed.map(([, row]) => row));
  }));
});
"""
