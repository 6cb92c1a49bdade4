"""The book's examples (4.2.1, 4.2.2), shared by the checks of both loss functions:
the answer is class 2; the net says 0.6 for class 2, or for class 7."""
import numpy as np

BOOK_T = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
Y_CLASS_2 = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
Y_CLASS_7 = np.array([0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])
