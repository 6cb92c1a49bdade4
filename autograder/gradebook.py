"""The course gradebook: every assignment's final grades side by side, and the term total.

    python -m autograder gradebook [--graded ID=DIR ...] [--out DIR]

reads each assignment's grades_final.csv (final.py; default folder graded/<ID>/, as
``grade --out``) in course_config.py's order and writes, into OUT (default graded/):

    gradebook.csv    one row per student: per assignment <ID>_score, <ID>_max_score, <ID>_flags;
                     then term_percent, term_assignments (the ids and weights it counts),
                     late_count, pending_count
    gradebook.html   the same as sortable tables, with the distribution of every assignment
                     and of the term total: one self-contained file that works offline

Rows are the roster's students in its order (without ROSTER: every student seen, by id),
then the submitters not on the roster, never dropped.  A student missing from a graded
assignment's grades_final.csv did not submit it: 0 points.  An assignment without
grades_final.csv is "not graded yet": said so, and left out of the term total, never
counted as zeros.  Over the graded assignments,

    term total (%) = sum(weight * score / max_score) / sum(weight) * 100

Both files are personal data (names, ids, grades): the default folder graded/ is
git-ignored; never commit or share them.
"""
import base64
import csv
import hashlib
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from . import escape
from .errors import UsageError
from .files import csv_text, write_atomic
from .final import NOT_ON_ROSTER, NOT_SUBMITTED, flag_text, read_final
from .submissions import student_key

FINAL = "grades_final.csv"
DEFAULT_ROOT = Path("graded")
LATE_FLAGS = ("late", "not_accepted")
PENDING = "written_pending"
NOT_GRADED = "not_graded_yet"
PRIVATE = ("個人情報(氏名・学籍番号・成績)です。共有・コミットしないでください"
           "(graded/ は git の対象外)。 / Personal data (names, ids, grades): do not share or commit it (graded/ is git-ignored).")


@dataclass
class Column:
    """One assignment: its grades by student, or None when it is not graded yet."""
    assignment: object          # course.Assignment
    source: Path                # the grades_final.csv read, or looked for
    grades: dict | None = None  # student key -> FinalGrade

    @property
    def graded(self):
        return self.grades is not None


@dataclass
class Entry:
    """A student's grade on one graded assignment."""
    score: float
    max_score: float
    flags: list

    @property
    def percent(self):
        return 100 * self.score / self.max_score

    @property
    def late(self):
        return any(flag in self.flags for flag in LATE_FLAGS)

    @property
    def pending(self):
        return PENDING in self.flags


@dataclass
class Row:
    student: str
    name: str
    on_roster: bool | None      # None: the course has no roster
    entries: dict = field(default_factory=dict)   # assignment id -> Entry (graded ones only)
    total: float | None = None  # term percent; None when nothing is graded

    @property
    def late(self):
        return sum(entry.late for entry in self.entries.values())

    @property
    def pending(self):
        return sum(entry.pending for entry in self.entries.values())

    @property
    def submitted(self):
        return [key for key, entry in self.entries.items() if NOT_SUBMITTED not in entry.flags]


@dataclass
class Gradebook:
    course_id: str
    columns: list               # [Column], in course_config.py's order
    rows: list                  # [Row]: the roster (or everyone seen), then those not on it

    @property
    def graded(self):
        return [column for column in self.columns if column.graded]

    def term_assignments(self):
        return ";".join(f"{c.assignment.id}:{c.assignment.weight:g}" for c in self.graded)


# ----- reading ---------------------------------------------------------------

def graded_folders(course, specs, root=DEFAULT_ROOT):
    """assignment id -> its graded folder: ``--graded ID=DIR`` where given, else root/ID."""
    chosen = {}
    for spec in specs:
        key, equals, folder = spec.partition("=")
        key, folder = key.strip(), folder.strip()
        if not equals or not key or not folder:
            raise UsageError(f"--graded {spec!r}: expected ID=DIR (e.g. --graded ch04_loss=graded/ch04_loss)")
        try:
            course.assignment(key)
        except UsageError as unknown:
            raise UsageError(f"--graded {spec!r}: {unknown}") from None
        if key in chosen:
            raise UsageError(f"--graded {key} given twice ({chosen[key]} and {folder})")
        if not Path(folder).is_dir():
            raise UsageError(f"--graded {spec!r}: {folder} is not a folder (give the folder `grade --out` wrote)")
        chosen[key] = Path(folder)
    return {key: chosen.get(key, Path(root) / key) for key in course.assignments}


def read_column(assignment, folder):
    source = Path(folder) / FINAL
    if not source.is_file():
        return Column(assignment, source)
    try:
        grades = read_final(source)
    except (KeyError, ValueError, csv.Error, OSError) as error:
        raise UsageError(f"{source} cannot be read ({type(error).__name__}: {escape.one_line(error)}); "
                         "write it again with the grade command") from None
    found = {}
    for grade in grades:
        key = student_key(grade.student)
        if key in found:
            raise UsageError(f"{source}: student '{key}' is listed twice")
        found[key] = grade
    return Column(assignment, source, found)


def entry(column, grade):
    """The Entry of ``grade`` (a FinalGrade, or None: not listed, so not submitted)."""
    top = grade.max_score if grade is not None and grade.max_score > 0 else column.assignment.final_max_score
    if grade is None:
        return Entry(0.0, top, [NOT_SUBMITTED])
    flags = [flag for flag in grade.flags if flag != NOT_ON_ROSTER]   # the rows say that
    if grade.status == NOT_SUBMITTED and NOT_SUBMITTED not in flags:
        flags.insert(0, NOT_SUBMITTED)
    if grade.written_pending and PENDING not in flags:
        flags.append(PENDING)
    return Entry(grade.score, top, flags)


def term_percent(entries, graded):
    if not graded:
        return None
    weights = sum(column.assignment.weight for column in graded)
    return 100 * sum(column.assignment.weight * entries[column.assignment.id].percent / 100
                     for column in graded) / weights


def collect(course, folders):
    """The Gradebook of ``course`` from ``folders`` (assignment id -> graded folder)."""
    columns = [read_column(assignment, folders[key]) for key, assignment in course.assignments.items()]
    graded = [column for column in columns if column.graded]
    if not graded:
        looked = ", ".join(str(column.source) for column in columns)
        raise UsageError(f"no {FINAL} for any assignment yet (looked for {looked}): grade first, "
                         "or pass --graded ID=DIR")
    seen = {key for column in graded for key in column.grades}
    roster = course.roster()
    if roster is not None:
        listed = list(roster.ids)
        others = sorted(seen - set(roster.people))
    else:
        off = {key for column in graded for key, grade in column.grades.items() if grade.status == NOT_ON_ROSTER}
        listed, others = sorted(seen - off), sorted(off)
    rows = []
    for student in listed + others:
        name = roster.people[student].name if roster is not None and student in roster.people else ""
        name = name or next((column.grades[student].name for column in graded
                             if student in column.grades and column.grades[student].name), "")
        row = Row(student, name, None if roster is None else student in roster.people)
        row.entries = {c.assignment.id: entry(c, c.grades.get(student)) for c in graded}
        row.total = term_percent(row.entries, graded)
        rows.append(row)
    return Gradebook(course.id, columns, rows)


# ----- gradebook.csv ---------------------------------------------------------

def _number(value):
    return f"{value:g}"


def gradebook_csv(book):
    header = ["student", "name", "on_roster"]
    for column in book.columns:
        header += [f"{column.assignment.id}_{part}" for part in ("score", "max_score", "flags")]
    header += ["term_percent", "term_assignments", "late_count", "pending_count"]
    counted = book.term_assignments()

    def line(row):
        cells = [row.student, row.name, {True: "yes", False: "no", None: ""}[row.on_roster]]
        for column in book.columns:
            found = row.entries.get(column.assignment.id)
            cells += (["", "", NOT_GRADED] if found is None else
                      [_number(found.score), _number(found.max_score), ";".join(found.flags)])
        total = "" if row.total is None else f"{row.total:.1f}"
        return cells + [total, counted, str(row.late), str(row.pending)]

    return csv_text(header, (line(row) for row in book.rows))


# ----- gradebook.html --------------------------------------------------------

def _plots(book):
    """{assignment id or "": SVG of the percent histogram} ("" = the term total)."""
    import matplotlib

    from .classreport import _svg

    rc = {"svg.fonttype": "path", "svg.hashsalt": "gradebook", "axes.unicode_minus": False}
    with matplotlib.rc_context(rc):
        import matplotlib_fontja             # registers the bundled IPAex Gothic font
        matplotlib.rcParams["font.family"] = matplotlib_fontja.matplotlib_fontja.FONT_NAME
        plots = {}
        for column in book.graded:
            key = column.assignment.id
            values = [row.entries[key].percent for row in book.rows if key in row.submitted]
            plots[key] = _svg(_histogram(values, f"{key}: 提出者 / submitters (n = {len(values)})", "#4C72B0"))
        totals = [row.total for row in book.rows if row.total is not None]
        plots[""] = _svg(_histogram(totals, f"学期の合計 / Term total (n = {len(totals)})", "#55A868"))
        return plots


def _histogram(values, title, colour):
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    from .classreport import _figure

    axes = _figure(6.5, 2.8)
    axes.hist(np.clip(values, 0, 100), bins=np.linspace(0, 100, 11), color=colour, edgecolor="white")
    if values:
        mean = statistics.fmean(values)
        axes.axvline(mean, color="#C44E52", linestyle="--", zorder=3, label=f"平均 / mean = {mean:.1f}%")
        axes.legend(loc="upper left")
    axes.set(xlim=(0, 100), xlabel="得点率 (%) / Percent of the maximum", ylabel="学生数 / Students",
             title=title)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return axes.figure


def _heading(label, kind):
    return f'<th data-type="{kind}"><button type="button">{escape.html(label)}</button></th>'


def _flags(flags):
    return escape.html(", ".join(flag_text(flag) for flag in flags))


def _students(book, rows, table_id):
    head = [_heading("学籍番号 / Student ID", "text"), _heading("氏名 / Name", "text")]
    for column in book.graded:
        key = column.assignment.id
        head += [_heading(f"{key} 得点 / score", "number"), _heading(f"{key} 注記 / flags", "text")]
    head += [_heading("合計 (%) / Term total (%)", "number"), _heading("遅延 / Late", "number"),
             _heading("採点待ち / Pending", "number")]
    body = []
    for row in rows:
        cells = [f"<td>{escape.html(row.student)}</td>", f"<td>{escape.html(row.name)}</td>"]
        for column in book.graded:
            found = row.entries[column.assignment.id]
            cells += [f'<td class="n" data-value="{found.score:g}">{found.score:g} / {found.max_score:g}</td>',
                      f"<td>{_flags(found.flags)}</td>"]
        total = ('<td class="n" data-value="-1">–</td>' if row.total is None else
                 f'<td class="n" data-value="{row.total:.1f}">{row.total:.1f}</td>')
        cells += [total, f'<td class="n" data-value="{row.late}">{row.late}</td>',
                  f'<td class="n" data-value="{row.pending}">{row.pending}</td>']
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="sortable" id="{table_id}"><thead><tr>{"".join(head)}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _assignments(book):
    head = "".join(f"<th>{label}</th>" for label in (
        "課題 / Assignment", "題名 / Title", "重み / Weight", "満点 / Max", "状態 / Status",
        "提出 / Submitted", "平均 (%) / Mean (%)", "遅延 / Late", "採点待ち / Pending"))
    lines = []
    for column in book.columns:
        a = column.assignment
        cells = [escape.html(a.id), escape.html(a.title), f"{a.weight:g}", f"{a.final_max_score:g}"]
        if not column.graded:
            cells += [f"未採点(合計に含めない) / not graded yet: left out of the term total "
                      f"(no {escape.html(column.source)})", "–", "–", "–", "–"]
        else:
            entries = [row.entries[a.id] for row in book.rows]
            handed = [e for e in entries if NOT_SUBMITTED not in e.flags]
            mean = f"{statistics.fmean(e.percent for e in handed):.1f}" if handed else "–"
            cells += ["採点済み / graded", f"{len(handed)} / {len(entries)}", mean,
                      str(sum(e.late for e in entries)), str(sum(e.pending for e in entries))]
        lines.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    return f'<table id="assignments"><thead><tr>{head}</tr></thead><tbody>{"".join(lines)}</tbody></table>'


def render(book):
    """The whole page as one string."""
    from .classreport import SORT_SCRIPT, _font_face, _image

    plots = _plots(book)
    listed = [row for row in book.rows if row.on_roster is not False]
    others = [row for row in book.rows if row.on_roster is False]
    counted = " + ".join(f"{c.assignment.weight:g}·{escape.html(c.assignment.id)}" for c in book.graded)
    missing = [c.assignment.id for c in book.columns if not c.graded]
    note = (f'<p class="note">未採点の課題は合計に含めません / Not graded yet, left out of the term total: '
            f'{escape.html(", ".join(missing))}</p>' if missing else "")
    figures = "".join(f"<figure>{_image(plots[c.assignment.id], f'{c.assignment.id}: 分布 / distribution')}</figure>"
                      for c in book.graded)
    title = f"成績一覧 / Gradebook — {book.course_id}"
    off_roster = ""
    if others:
        off_roster = ("<h2>名簿にない提出者 / Submitters not on the roster</h2>"
                      "<p>名簿に追加するか、所属を確認してください"
                      " / Add them to the roster or check who they are.</p>"
                      + _students(book, others, "others"))
    body = f"""<body>
<h1>{escape.html(title)}</h1>
<h2>課題 / Assignments</h2>
{_assignments(book)}
{note}
<h2>学期の合計 / Term total</h2>
<p>合計 (%) = Σ 重み × 得点 / 満点 ÷ Σ 重み × 100(採点済みの課題のみ: {counted})
 / Term total (%) = Σ weight × score / max ÷ Σ weight × 100 over the graded assignments.
 未提出は 0 点 / Not submitted counts as 0.</p>
<figure>{_image(plots[""], "学期の合計の分布 / Term total distribution")}</figure>
<h2>課題ごとの分布 / Distribution per assignment</h2>
<div class="plots">{figures}</div>
<h2>学生 / Students</h2>
<p>見出しをクリックすると並べ替えます(もう一度で逆順)
 / Click a heading to sort; again to reverse.</p>
{_students(book, listed, "students")}
{off_roster}
<footer>{escape.html(PRIVATE)}</footer>
<script>{SORT_SCRIPT}</script>
</body>"""
    style = _font_face(title + body + STYLE) + STYLE
    policy = ("default-src 'none'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'; "
              f"style-src '{_hash(style)}'; script-src '{_hash(SORT_SCRIPT)}'")
    return (f'<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape.html(title)}</title><style>{style}</style></head>\n{body}</html>\n")


def _hash(text):
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def write_gradebook(book, out_dir):
    """Write OUT_DIR/gradebook.csv and gradebook.html (each atomically); return their paths."""
    out_dir = Path(out_dir)
    paths = out_dir / "gradebook.csv", out_dir / "gradebook.html"
    page = render(book)                      # before either is written: both or neither
    write_atomic(paths[0], gradebook_csv(book))
    write_atomic(paths[1], page)
    return paths


def gradebook_command(course, args):
    """python -m autograder gradebook [--graded ID=DIR ...] [--out DIR]"""
    def say(line):
        print(escape.terminal(line))

    book = collect(course, graded_folders(course, args.graded))
    paths = write_gradebook(book, Path(args.out) if args.out else DEFAULT_ROOT)
    for column in book.columns:
        if not column.graded:
            say(f"{column.assignment.id}: not graded yet (no {column.source}): left out of the term total")
    others = sum(row.on_roster is False for row in book.rows)
    say(f"gradebook: {len(book.rows)} students ({others} not on the roster), "
        f"{len(book.graded)} of {len(book.columns)} assignments graded -> {paths[0]}, {paths[1]}")
    say("personal data: do not commit or share these files")
    return 0


STYLE = """
body { font-family: "ReportJa", sans-serif; max-width: 80rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.5; }
.note { color: #8a5a00; }
figure { margin: 0; } figure img { max-width: 100%; height: auto; }
.plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(28rem, 1fr)); gap: 1rem; }
table { border-collapse: collapse; font-size: .9rem; margin-bottom: 1rem; }
th, td { border: 1px solid #ccc; padding: .2rem .5rem; text-align: left; }
td.n { text-align: right; white-space: nowrap; }
th button { font: inherit; font-weight: bold; border: 0; background: none; cursor: pointer; text-align: left; }
th[aria-sort=ascending] button::after { content: " ▲"; }
th[aria-sort=descending] button::after { content: " ▼"; }
tbody tr:nth-child(even) { background: #f6f6f6; }
footer { margin-top: 2rem; padding-top: .5rem; border-top: 1px solid #ccc; color: #8a5a00; }
"""

