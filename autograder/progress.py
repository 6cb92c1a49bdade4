"""Progress of a batch: a bar on a terminal (tqdm), plain lines when output is not a terminal."""
import sys

from .escape import terminal


class Progress:
    def __init__(self, total, stream=None):
        self.stream = stream or sys.stderr
        self.total, self.count = total, 0
        self.bar = None
        if total > 1 and self.stream.isatty():
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="submission", file=self.stream, dynamic_ncols=True)

    def done(self, student, score, max_score):
        self.count += 1
        student = terminal(student)
        if self.bar is not None:
            self.bar.set_postfix_str(student[-20:], refresh=False)
            self.bar.update(1)
        elif self.total > 1:
            print(f"[{self.count}/{self.total}] {student}: {score:g}/{max_score:g}", file=self.stream, flush=True)

    def close(self):
        if self.bar is not None:
            self.bar.close()
