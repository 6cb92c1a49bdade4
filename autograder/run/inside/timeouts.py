"""A cell that runs too long, stopped from inside, and the function it was stuck in.

The trusted side kills a loader whose cell has not answered a little after
``cell_seconds`` (student.KILL_MARGIN_SECONDS), and loads the submission again without
that cell: safe whatever the cell does, but every cell that calls the same endless loop
would then cost the whole limit and a reload.  So the loader stops a cell itself at
``cell_seconds`` (``CellTimer``) and finds the function that was stuck: the innermost of
the submission's frames that is still the same frame SAMPLE_SECONDS later (the loop
itself, not the ``f(x)`` it keeps calling).  Until loading ends, that function's names
are bound to a stand-in that raises at once (``Suspended``), so a later cell that calls
it fails in no time with a reason; the real function is put back before the snapshot,
so the checks still ask it.

The trusted side's limit stays the guarantee: student code that swallows the exception,
replaces the SIGALRM handler or sits in C code is still killed from outside.
"""
import signal
import types

try:
    from .codec import SUBMISSION_PREFIX      # imported by the trusted side (its tests)
    from .errors import error_info, place, safe_str
except ImportError:
    from codec import SUBMISSION_PREFIX       # inside the sandbox, as top-level modules
    from errors import error_info, place, safe_str

SAMPLE_SECONDS = 0.2      # between the two looks at the stack that find the stuck frame
AGAIN_SECONDS = 0.05      # the stop is raised again this often, should the code swallow one


class CellTimedOut(BaseException):
    """Raised into a cell at its time limit: not an Exception, so ``except Exception``
    in the student's code does not swallow it.  ``frame``: the frame found stuck."""

    def __init__(self, frame):
        super().__init__()
        self.frame = frame


class TimedOutEarlier(Exception):
    """Raised by a stand-in: the function timed out in an earlier cell."""


def _student_frames(frame):
    frames = []
    while frame is not None:
        if frame.f_code.co_filename.startswith(SUBMISSION_PREFIX):
            frames.append(frame)
        frame = frame.f_back
    return frames               # innermost first


class CellTimer:
    """``with CellTimer(seconds):`` runs a cell that raises CellTimedOut after ``seconds``
    (and SAMPLE_SECONDS, the second look at the stack)."""

    def __init__(self, seconds):
        self.seconds = float(seconds)
        self.first_look = None

    def _fire(self, signum, frame):
        if self.first_look is None:                  # first look: note the frames, look again soon
            self.first_look = _student_frames(frame)
            signal.setitimer(signal.ITIMER_REAL, SAMPLE_SECONDS, AGAIN_SECONDS)
            return
        seen = {id(f) for f in self.first_look}
        stuck = next((f for f in _student_frames(frame) if id(f) in seen), None)
        raise CellTimedOut(stuck)

    def __enter__(self):
        signal.signal(signal.SIGALRM, self._fire)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        try:
            self._disarm()
        except CellTimedOut:          # it fired on the way out: the next firing is AGAIN_SECONDS away
            self._disarm()
            raise
        return False

    def _disarm(self):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_IGN)   # a stray alarm of the cell's own ends nothing
        self.first_look = None                           # frames are not kept past the cell


def timeout_info(timed_out, cell_seconds, sources):
    """The reply for a cell stopped by CellTimer: where it was stuck, and in which function."""
    info = {"type": "timeout", "message": f"did not finish in {float(cell_seconds):g} s"}
    frame = timed_out.frame
    if frame is not None:
        info.update(place(frame.f_code.co_filename, frame.f_lineno, sources))
        if frame.f_code.co_name != "<module>":
            info["message"] += f" (still running {frame.f_code.co_qualname})"
    return info


class Suspended:
    """Functions that timed out while loading, bound to stand-ins until ``restore``."""

    def __init__(self):
        self.replaced = []           # (holder, name, original, stand-in)

    def suspend(self, namespace, frame):
        """Bind every name of the function running ``frame`` (or, for a nested function or
        a lambda, of the nearest function around it that has one) to a stand-in: in the
        namespace, and in the namespace's classes (a method).  Never raises: at worst
        nothing is suspended, and later cells meet the trusted side's limit as before."""
        try:
            self._suspend(namespace, frame)
        except Exception:
            pass

    def _suspend(self, namespace, frame):
        for outer in _student_frames(frame) if frame is not None else ():
            code = outer.f_code
            found = [(holder, name, value) for holder, name, value in _bindings(namespace)
                     if type(value) is types.FunctionType and value.__code__ is code]
            for holder, name, value in found:
                stand_in = _stand_in(value)
                try:
                    _bind(holder, name, stand_in)
                except Exception:              # a class that refuses new attributes
                    continue
                self.replaced.append((holder, name, value, stand_in))
            if found:
                return

    def restore(self):
        """Put the real functions back where a stand-in is still bound."""
        for holder, name, original, stand_in in reversed(self.replaced):
            try:
                current = holder.get(name) if isinstance(holder, dict) else holder.__dict__.get(name)
                if current is stand_in:
                    _bind(holder, name, original)
            except Exception:
                pass
        self.replaced = []


def _bindings(namespace):
    for name, value in list(namespace.items()):
        yield namespace, name, value
        if type(value) is type:            # a plain class (a metaclass could run code on access)
            try:
                attributes = list(vars(value).items())
            except Exception:
                continue
            for attribute, member in attributes:
                if type(member) is types.FunctionType:
                    yield value, attribute, member


def _bind(holder, name, value):
    if isinstance(holder, dict):
        holder[name] = value
    else:
        type.__setattr__(holder, name, value)


def _stand_in(function):
    name = function.__code__.co_qualname

    def timed_out_earlier(*args, **kwargs):
        raise TimedOutEarlier(name)
    return timed_out_earlier


def skipped_info(exc, sources):
    """The reply for a cell that called a stand-in: where it called it, and what."""
    function = safe_str(exc)
    return {**error_info(exc, sources), "type": "skipped", "function": function,
            "message": f"calls {function}, which timed out in an earlier cell"}
