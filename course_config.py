"""Course settings: the one place an instructor edits.

The grading command finds this file from any folder of the repository, and
nbgrader reads it through nbgrader_config.py.  Points per check live here;
nbgrader's test-cell points are the sums of the same numbers (a test checks it).
"""

COURSE_ID = "zero-dl-ch04"

# Language of the feedback students read: "ja", "en" or "ja+en" (both, for mixed classes).
LANG = "ja+en"

# Visibility on Gradescope of checks that are not public ("after_published" shows them
# once the instructor publishes grades).
HIDDEN_VISIBILITY = "after_published"

# Limits for student code.  A check that runs longer than CHECK_SECONDS is stopped and
# scored 0 with the reason; the other checks still run.
LIMITS = {
    "cell_seconds": 10.0,          # wall time for one notebook cell / top-level statement
    "check_seconds": 10.0,         # wall time for one question a check asks
    "submission_seconds": 120.0,   # wall time for one whole submission, all checks
    "submission_cpu_seconds": 60,  # CPU time for any one process of a submission
    "memory_mb": 1024,             # address space of the student's process
    "processes": 16,               # processes the student's code may have at once
    "file_mb": 16,                 # largest file it may write (in its private /tmp)
    "output_kb": 256,              # printed output kept; more stops the cell
}

# Points per check id (<function>::<check>).  Every check under
# autograder/graders/<assignment>/ must have an entry, and every entry a check.
ASSIGNMENTS = {
    "ch04_gradient": {
        "title": "4.3–4.4 数値微分と勾配 / Numerical differentiation and gradients",
        "points": {
            "numerical_diff::central_x2_at_2": 2,
            "numerical_diff::function_1_book_values": 1,
            "numerical_diff::cubic_needs_small_step": 2,
            "numerical_diff::random_polynomial": 2,
            "numerical_gradient::function_2_at_3_4": 2,
            "numerical_gradient::zero_coordinates": 1,
            "numerical_gradient::two_dimensional_array": 2,
            "numerical_gradient::closure_reads_the_array": 2,
            "numerical_gradient::input_restored": 1,
            "numerical_gradient::random_point": 1,
            "gradient_descent::converges_to_minimum": 2,
            "gradient_descent::three_steps_exact": 2,
            "gradient_descent::large_lr_diverges": 1,
            "gradient_descent::tiny_lr_barely_moves": 1,
            "gradient_descent::random_start": 1,
            "simpleNet.loss::matches_reference": 2,
            "simpleNet.loss::random_weights": 2,
            "simpleNet.loss::gradient_matches_analytic": 2,
        },
    },
}
