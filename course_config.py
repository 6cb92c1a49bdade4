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

# Limits for student code.  A check that runs longer than check_seconds is stopped and
# scored 0 with the reason; the other checks of that function are then scored the same
# without running again (an endless loop costs one limit per function); other functions'
# checks still run.
LIMITS = {
    "cell_seconds": 10.0,          # wall time for one notebook cell / top-level statement
    "check_seconds": 10.0,         # wall time for one question a check asks
    "selfcheck_check_seconds": 3.0,  # the same in the student's self-check (check command, check
                                   # cells): the solutions' slowest question takes 0.05 s, so 3 s
                                   # leaves a slow honest answer 60 times that, and an endless loop
                                   # keeps a student waiting 3 s, not 10 (nbgrader's grade() cells
                                   # keep check_seconds, so its scores equal the command's)
    "submission_seconds": 120.0,   # wall time for one whole submission, all checks
    "submission_cpu_seconds": 60,  # CPU time for a whole submission: loading plus all its checks
    "memory_mb": 1024,             # address space of the student's process
    "processes": 16,               # processes the student's code may have at once
    "file_mb": 16,                 # largest file it may write (in its private /tmp)
    "output_kb": 256,              # printed output kept; more stops the cell
}

# ----- the term (all optional: without them every command works on one folder as before) -----

# The course roster: student id, name, Moodle participant id, e-mail (README "A term").
# Personal data: roster.csv is git-ignored.  None: no roster (grades list who submitted).
ROSTER = None                    # e.g. "roster.csv", relative to this file

# Due dates ("due" of an assignment below) and submission times are read in this zone.
TIME_ZONE = "Asia/Tokyo"

# What a late submission costs, unless an assignment sets its own "late_policy".
# None: late work is flagged in grades_final.csv and the report, never penalised.
LATE_POLICY = {
    "grace_minutes": 15,         # up to 15 minutes late counts as on time (upload delays)
    "percent_per_day": 10,       # 10% of the score per started day late
    "max_percent": 50,           # never more than half
    "accept_days": 7,            # more than 7 days late: not accepted (0); 0 = no late work at all
}

# Per-student extensions (合理的配慮, illness): CSV student,assignment,due,reason.
EXTENSIONS = None                # e.g. "extensions.csv", relative to this file

# Points per check id (<function>::<check>).  Every check under
# autograder/graders/<assignment>/ must have an entry, and every entry a check.
# Optional keys of an assignment: "due" ("2026-10-20 23:59", in TIME_ZONE), "late_policy"
# (as LATE_POLICY), "weight" in the term total (default 1), and "written": the parts TAs
# mark by hand, nbgrader grade_id of the answer cell -> points (rubric in
# autograder/graders/<assignment>/written.toml).
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
            "analytic_gradient::book_example": 2,
            "analytic_gradient::other_shapes": 2,
            "analytic_gradient::batch_of_samples": 2,
            "relative_error::hand_computed": 1,
            "relative_error::zeros_and_sign_flips": 1,
            "relative_error::small_and_large_scales": 1,
        },
    },
    "ch04_activation": {
        "title": "宿題: 活性化関数 / Homework: activation functions",
        "written": {"answer_q1": 2, "answer_q2": 2},
        "points": {
            "collapse_linear::c_cubed": 1,
            "collapse_linear::two_layers": 1,
            "collapse_linear::rectangular_chain": 2,
            "collapse_linear::single_matrix": 1,
            "sigmoid::book_values": 1,
            "sigmoid::two_dimensional": 2,
            "sigmoid_grad::peak_at_zero": 1,
            "sigmoid_grad::matches_numerical_derivative": 2,
            "sigmoid_grad::two_dimensional": 1,
            "sigmoid_chain_factor::few_layers": 1,
            "sigmoid_chain_factor::ten_layers": 1,
            "sigmoid_chain_factor::random_depth": 1,
            "relu::book_values": 1,
            "relu::two_dimensional": 2,
            "relu::input_unchanged": 1,
            "relu_grad::signs": 1,
            "relu_grad::matches_numerical_derivative": 2,
            "relu_grad::two_dimensional": 1,
            "relu_grad::input_unchanged": 1,
            "layer_gradients::sigmoid_chain": 2,
            "layer_gradients::relu_chain": 2,
            "layer_gradients::rectangular_layers": 1,
        },
    },
    "ch04_loss": {
        "title": "4.2 損失関数 / Loss functions",
        "points": {
            "sum_squared_error::book_examples": 2,
            "sum_squared_error::random_vector": 2,
            "cross_entropy_error::book_examples": 2,
            "cross_entropy_error::zero_probability": 2,
            "cross_entropy_error::batch_onehot": 2,
            "cross_entropy_error::batch_labels": 2,
            "cross_entropy_error::random_batch": 2,
            "softmax::book_example": 2,
            "softmax::large_inputs": 2,
            "softmax::batch_rows": 2,
            "softmax::random_batch": 2,
            "softmax::rows_far_apart": 1,
        },
    },
    "ch04_training": {
        "title": "4.5 学習アルゴリズムの実装 / Training a two-layer net",
        "points": {
            "TwoLayerNet.__init__::params_keys_and_shapes": 1,
            "TwoLayerNet.__init__::biases_zero": 1,
            "TwoLayerNet.__init__::weight_init_std": 1,
            "TwoLayerNet.predict::hand_computed": 2,
            "TwoLayerNet.predict::random_net": 1,
            "TwoLayerNet.predict::single_sample": 1,
            "TwoLayerNet.loss::hand_computed": 1,
            "TwoLayerNet.loss::random_batch": 1,
            "TwoLayerNet.loss::batch_average": 1,
            "TwoLayerNet.accuracy::hand_computed": 1,
            "TwoLayerNet.accuracy::random_predictions": 1,
            "TwoLayerNet.accuracy::all_and_none": 1,
            "TwoLayerNet.numerical_gradient::keys_and_shapes": 1,
            "TwoLayerNet.numerical_gradient::central_difference": 2,
            "TwoLayerNet.numerical_gradient::single_sample_batch": 1,
            "TwoLayerNet.numerical_gradient::params_restored": 1,
            "train::loss_goes_down": 1,
            "train::replays_exactly": 2,
            "train::same_seed_same_batches": 1,
            "train::default_rng_draws": 1,
        },
    },
}
