#!/usr/bin/env python
# coding: utf-8

# %%
# 準備 / Setup(このセルは変更しないでください / do not edit this cell)
import sys, pathlib
import numpy as np
import matplotlib.pyplot as plt
try:
    import matplotlib_fontja  # 図の日本語 / Japanese text in figures
except ImportError:
    print("図の日本語表示には pip install matplotlib-fontja が必要です / For Japanese text in figures: pip install matplotlib-fontja")

for _folder in (pathlib.Path.cwd(), *pathlib.Path.cwd().parents):
    if (_folder / "autograder" / "notebook.py").is_file():
        sys.path.insert(0, str(_folder)); break
try:
    from autograder.notebook import check, check_all
except ImportError:
    def check(*args, **kwargs):
        print("自己チェックには学生キットの autograder フォルダが必要です / The self-check needs the student kit's autograder folder")
    check_all = check

# %%
x = 2.0
print(x + 1e-50 == x)          # True: x + h と x が区別できない / x + h cannot be told from x
print(np.float32(1e-50))       # 0.0: float32 ではそもそも 0 / in float32 it is 0 to begin with

square = lambda x: x ** 2
for h in (1e-50, 1e-4):
    forward = (square(x + h) - square(x)) / h
    central = (square(x + h) - square(x - h)) / (2 * h)
    print(f"h = {h:g}:  前方差分 / forward = {forward!r},  中心差分 / central = {central!r}")

# %%
cube = lambda x: x ** 3
hs = np.logspace(-16, 0, 161)
forward_error = np.abs((cube(2 + hs) - cube(2)) / hs - 12)
central_error = np.abs((cube(2 + hs) - cube(2 - hs)) / (2 * hs) - 12)

fig, ax = plt.subplots(figsize=(6.5, 4))
ax.loglog(hs, np.where(forward_error > 0, forward_error, np.nan), label="前方差分 / forward difference")
ax.loglog(hs, np.where(central_error > 0, central_error, np.nan), label="中心差分 / central difference")
ax.axvline(1e-4, color="gray", linestyle=":", label="h = 1e-4")
ax.set(xlabel="h", ylabel="誤差 / error", title="$x^3$ の $x = 2$ での数値微分の誤差 / error of the slope of $x^3$ at 2")
ax.legend()
plt.show()

# %%
def numerical_diff(f, x):
    """x における f の微分を中心差分 (f(x+h) - f(x-h)) / 2h, h = 1e-4 で返す。
    Return the derivative of f at x by the central difference (f(x+h) - f(x-h)) / 2h, h = 1e-4.
    """
    h = 1e-4  # 0.0001
    return (f(x + h) - f(x - h)) / (2 * h)

# %%
# 公開チェック(提出後の採点では非公開のチェックも行います)/ public checks (hidden checks run when graded)
check("numerical_diff", globals())

# %%
def function_1(x):
    return 0.01 * x ** 2 + 0.1 * x

print(numerical_diff(function_1, 5))    # 0.1999999999990898 くらい / about 0.2
print(numerical_diff(function_1, 10))   # 0.2999999999986347 くらい / about 0.3

# %%
def tangent_line(f, x):
    """x における f の接線(傾きはあなたの numerical_diff)/ the tangent of f at x, sloped by your numerical_diff."""
    slope = numerical_diff(f, x)
    return lambda t: slope * (t - x) + f(x)

try:
    tangent = tangent_line(function_1, 5)
    xs = np.arange(0.0, 20.0, 0.1)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(xs, function_1(xs), label="$f(x) = 0.01x^2 + 0.1x$")
    ax.plot(xs, tangent(xs), "--", label="$x = 5$ での接線 / tangent at $x = 5$")
    ax.plot(5, function_1(5), "ko")
    ax.set(xlabel="$x$", ylabel="$f(x)$", title="数値微分で求めた接線 / the tangent from numerical_diff")
    ax.legend()
    plt.show()
except NotImplementedError:
    print("numerical_diff を実装すると接線の図が表示されます / Implement numerical_diff to see the tangent")

# %%
def function_2(x):
    return x[0] ** 2 + x[1] ** 2       # np.sum(x ** 2) と同じ / the same as np.sum(x ** 2)

def function_tmp1(x0):
    return x0 * x0 + 4.0 ** 2.0        # x1 = 4 に固定 / x1 fixed at 4

print(numerical_diff(function_tmp1, 3.0))   # 6 くらい / about 6

# %%
def function_tmp2(x1):
    """x0 = 3 に固定した f(x0, x1) = x0² + x1² / f(x0, x1) = x0² + x1² with x0 fixed at 3."""
    return 3.0 ** 2.0 + x1 * x1

# %%
print(numerical_diff(function_tmp2, 4.0))   # 8 くらい / about 8

# %%
def numerical_gradient(f, x):
    """x における f の勾配(x と同じ形の配列)を返す。x の各要素をその場で ±h (h = 1e-4)
    だけ動かして中心差分をとり、元の値に戻す。x はどんな形の配列でもよい。
    Return the gradient of f at x (an array of x's shape): change each element of x in
    place by ±h (h = 1e-4), take the central difference, put the value back. x may have any shape.
    """
    h = 1e-4
    grad = np.zeros_like(x)
    for i in range(x.size):
        x_plus = x.copy()
        x_minus = x.copy()
        x_plus[i] += h
        x_minus[i] -= h
        grad[i] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad

# %%
# 公開チェック(提出後の採点では非公開のチェックも行います)/ public checks (hidden checks run when graded)
check("numerical_gradient", globals())

# %%
print(numerical_gradient(function_2, np.array([3.0, 4.0])))   # [6. 8.] くらい / about [6, 8]
print(numerical_gradient(function_2, np.array([0.0, 2.0])))   # [0. 4.] くらい / about [0, 4]
print(numerical_gradient(function_2, np.array([3.0, 0.0])))   # [6. 0.] くらい / about [6, 0]

# %%
try:
    grid = np.arange(-2.0, 2.01, 0.25)
    points = np.array([(x0, x1) for x0 in grid for x1 in grid])
    grads = np.array([numerical_gradient(function_2, p.copy()) for p in points])
    fig, ax = plt.subplots(figsize=(5.5, 5.5))
    ax.quiver(points[:, 0], points[:, 1], -grads[:, 0], -grads[:, 1], angles="xy", color="#555")
    ax.plot(0, 0, "r*", markersize=14, label="最小値 / minimum")
    ax.set(xlim=(-2.3, 2.3), ylim=(-2.3, 2.3), aspect="equal", xlabel="$x_0$", ylabel="$x_1$",
           title="$-\\nabla f$:関数が最も減る向き / where $f$ decreases fastest")
    ax.legend(loc="upper right")
    plt.show()
except NotImplementedError:
    print("numerical_gradient を実装すると勾配の図が表示されます / Implement numerical_gradient to see the gradient field")

# %%
def gradient_descent(f, init_x, lr=0.01, step_num=100):
    """init_x から x ← x − lr · ∇f(x) を step_num 回くり返し、最後の x を返す。
    Start at init_x, repeat x ← x − lr · ∇f(x) step_num times, return the final x.
    """
    x = init_x
    for i in range(step_num):
        grad = numerical_gradient(f, x)
        x -= lr * grad
    return x

# %%
# 公開チェック(提出後の採点では非公開のチェックも行います)/ public checks (hidden checks run when graded)
check("gradient_descent", globals())

# %%
print(gradient_descent(function_2, np.array([-3.0, 4.0]), lr=0.1, step_num=100))    # ほぼ (0, 0) / almost (0, 0)
print(gradient_descent(function_2, np.array([-3.0, 4.0]), lr=10.0, step_num=100))   # 大きすぎ: 発散 / too large: diverges
print(gradient_descent(function_2, np.array([-3.0, 4.0]), lr=1e-10, step_num=100))  # 小さすぎ: ほとんど動かない / too small: barely moves

# %%
def descent_path(f, init_x, lr, step_num):
    """あなたの gradient_descent を1ステップずつ呼んだときの x の履歴 / x after each single step of your gradient_descent."""
    path = [np.array(init_x, dtype=float)]
    for _ in range(step_num):
        result = gradient_descent(f, path[-1].copy(), lr=lr, step_num=1)
        path.append(np.array(result[0] if isinstance(result, tuple) else result, dtype=float))
    return np.array(path)

rates = {0.01: "小さすぎ / too small", 0.1: "ちょうどよい / about right",
         0.8: "大きめ: 行き過ぎて往復 / large: overshoots", 1.02: "大きすぎ: 発散 / too large: diverges"}
try:
    paths = [descent_path(function_2, [-3.0, 4.0], lr, 20) for lr in rates]
    grid = np.linspace(-8, 8, 161)
    X0, X1 = np.meshgrid(grid, grid)
    fig, axes = plt.subplots(1, len(rates), figsize=(16, 4.4))
    for ax, (lr, label), path in zip(axes, rates.items(), paths):
        ax.contour(X0, X1, X0 ** 2 + X1 ** 2, levels=[1, 4, 9, 16, 25, 36, 49, 64], colors="#ccc", linewidths=0.8)
        ax.plot(path[:, 0], path[:, 1], "o-", markersize=3)
        ax.plot(0, 0, "r*", markersize=10)
        ax.set(xlim=(-8, 8), ylim=(-8, 8), aspect="equal", xlabel="$x_0$", ylabel="$x_1$",
               title=f"lr = {lr:g}\n{label}")
    fig.suptitle("$(-3, 4)$ から 20 ステップ / 20 steps from $(-3, 4)$")
    fig.tight_layout()
    plt.show()
except NotImplementedError:
    print("gradient_descent を実装すると経路の図が表示されます / Implement gradient_descent to see the descent paths")

# %%
def softmax(a):
    a = a - np.max(a, axis=-1, keepdims=True)    # オーバーフロー対策 / guards against overflow
    return np.exp(a) / np.sum(np.exp(a), axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:                         # one-hot の正解をラベル番号に / one-hot labels to indices
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size

# %%
class simpleNet:
    """入力 2 つ、出力 3 つの1層ネットワーク / a one-layer network: 2 inputs, 3 outputs."""

    def __init__(self):
        self.W = np.random.randn(2, 3)     # ガウス分布で初期化 / Gaussian initial weights

    def predict(self, x):
        return np.dot(x, self.W)

    def loss(self, x, t):
        """入力 x と正解ラベル t (one-hot) に対する損失: softmax(predict(x)) の交差エントロピー誤差。
        The loss for input x and one-hot label t: the cross-entropy error of softmax(predict(x)).
        """
        z = self.predict(x)
        y = softmax(z)
        loss = cross_entropy_error(y, t)
        return loss

# %%
# 公開チェック(提出後の採点では非公開のチェックも行います)/ public checks (hidden checks run when graded)
check("simpleNet.loss", globals())

# %%
x = np.array([0.6, 0.9])        # 入力 / input
t = np.array([0, 0, 1])         # 正解ラベル (one-hot) / the correct label
net = simpleNet()
net.W = np.array([[0.47355232, 0.9977393, 0.84668094],     # 本と同じ重み / the book's weights
                  [0.85557411, 0.03563661, 0.69422093]])
p = net.predict(x)
print("予測 / prediction:", p, "  最大の要素 / argmax:", np.argmax(p))
print("損失 / loss:", net.loss(x, t))            # 0.928... / about 0.928

f = lambda w: net.loss(x, t)
dW = numerical_gradient(f, net.W)
print("dW =\n", dW)                               # [[ 0.219  0.144 -0.363] [ 0.329  0.215 -0.544]] くらい / about

# %%
try:
    np.random.seed(0)
    net = simpleNet()
    losses, f = [], lambda w: net.loss(x, t)
    dW0 = numerical_gradient(f, net.W)
    for step in range(50):
        losses.append(net.loss(x, t))
        net.W -= 0.5 * numerical_gradient(f, net.W)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    image = left.imshow(dW0, cmap="coolwarm", vmin=-np.abs(dW0).max(), vmax=np.abs(dW0).max())
    for (i, j), value in np.ndenumerate(dW0):
        left.text(j, i, f"{value:.3f}", ha="center", va="center")
    left.set(xticks=range(3), yticks=range(2), title="最初の勾配 dW(負: 重みを増やすと損失が減る)\nfirst dW (negative: a larger weight lowers the loss)")
    fig.colorbar(image, ax=left)
    right.plot(losses, "o-", markersize=3)
    right.set(xlabel="ステップ / step", ylabel="損失 / loss", title="simpleNet の学習 / training simpleNet")
    fig.tight_layout()
    plt.show()
except NotImplementedError:
    print("numerical_gradient と simpleNet.loss を実装すると学習の図が表示されます / Implement numerical_gradient and simpleNet.loss to see the training")

# %%
def analytic_gradient(W, x, t):
    y = softmax(np.dot(x, W))
    return np.outer(x, y - t)            # 1つのサンプルなら正しい / right for one sample

# %%
def relative_error(a, b):
    return np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8))

# %%
check_all(globals())

