"""The book's examples (4.2.1, 4.2.2), shared by the checks of both loss functions:
the answer is class 2; the net says 0.6 for class 2, or for class 7.

A check that asks the book's example also asks it with the classes in another order,
drawn from the submission's seed: the loss stays the book's, but an answer that only
returns the book's number, or reads class 2 by position, no longer passes."""
import numpy as np

BOOK_T = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
Y_CLASS_2 = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
Y_CLASS_7 = np.array([0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])


def reorder(rng, classes=10):
    """A random order of the classes in which the book's right class, 2, moves."""
    while True:
        order = rng.permutation(classes)
        if order[2] != 2:
            return order
