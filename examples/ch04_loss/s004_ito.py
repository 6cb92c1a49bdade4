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
def sum_squared_error(y, t):
    """2乗和誤差 0.5 · Σ (y_k − t_k)² を返す。
    Return the sum of squared errors 0.5 · Σ (y_k − t_k)².
    """
    return np.sum((y - t) ** 2)

# %%
# 公開チェック(提出後の採点では非公開のチェックも行います)/ public checks (hidden checks run when graded)
check("sum_squared_error", globals(), assignment="ch04_loss")

# %%
t = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])                   # 正解は「2」/ the answer is "2"
y1 = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])   # 例 1:「2」が 0.6 / example 1: "2" at 0.6
y2 = np.array([0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])   # 例 2:「7」が 0.6 / example 2: "7" at 0.6
print(sum_squared_error(y1, t))   # 0.0975 くらい / about 0.0975
print(sum_squared_error(y2, t))   # 0.5975 くらい / about 0.5975

# %%
def cross_entropy_error(y, t):
    """交差エントロピー誤差 −Σ t log(y + 1e-7) の1データあたりの平均を返す。
    y: 1データ (1次元) またはミニバッチ (2次元、1行が1データ)。t: one-hot またはラベル。
    Return the cross-entropy error −Σ t log(y + 1e-7), averaged per sample.
    y: one sample (1-D) or a mini-batch (2-D, one sample per row). t: one-hot or labels.
    """
    if y.ndim == 1:
        y = y.reshape(1, y.size)
        t = t.reshape(1, t.size)
    return -np.sum(t * np.log(y + 1e-7)) / y.shape[0]

# %%
# 公開チェック(提出後の採点では非公開のチェックも行います)/ public checks (hidden checks run when graded)
check("cross_entropy_error", globals(), assignment="ch04_loss")

# %%
print(cross_entropy_error(y1, t))      # 0.5108... : 正解の確率が 0.6 / the right class at 0.6
print(cross_entropy_error(y2, t))      # 2.3025... : 正解の確率が 0.1 / the right class at 0.1
print(cross_entropy_error(np.array([y1, y2]), np.array([t, t])))   # 2つの平均 1.4067... / their mean
print(cross_entropy_error(np.array([y1, y2]), np.array([2, 2])))   # ラベルでも同じ / the same with labels
print(cross_entropy_error(np.array([0.3, 0.7, 0.0]), np.array([0, 0, 1])))   # 正解の確率が 0: 16.1 (inf ではない) / right class at 0: 16.1, not inf

# %%
try:
    ps = np.linspace(0.0, 1.0, 201)
    target = np.array([0, 1])
    ce = [cross_entropy_error(np.array([1 - p, p]), target) for p in ps]
    sse = [sum_squared_error(np.array([1 - p, p]), target) for p in ps]
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot(ps, ce, label="交差エントロピー誤差 / cross-entropy error")
    ax.plot(ps, sse, "--", label="2乗和誤差 / sum of squared errors")
    ax.set(xlabel="正解クラスの確率 $p$ / probability of the right class", ylabel="損失 / loss",
           ylim=(0, 6), title="正解の確率と損失 / loss against the probability of the right class")
    ax.legend()
    plt.show()
except NotImplementedError:
    print("sum_squared_error と cross_entropy_error を実装すると図が表示されます / Implement sum_squared_error and cross_entropy_error to see the figure")

# %%
def softmax(a):
    """a の softmax を返す。2次元なら行ごと(各行の和が 1)。最大値を引いてオーバーフローを防ぐ。
    Return the softmax of a; for 2-D input, of each row (rows add up to 1).
    The maximum is subtracted first, so large scores do not overflow.
    """
    c = np.max(a, axis=-1, keepdims=True)
    exp_a = np.exp(a - c)
    return exp_a / exp_a.sum(axis=-1, keepdims=True)

# %%
# 公開チェック(提出後の採点では非公開のチェックも行います)/ public checks (hidden checks run when graded)
check("softmax", globals(), assignment="ch04_loss")

# %%
print(softmax(np.array([0.3, 2.9, 4.0])))          # [0.018 0.245 0.737] くらい / about
a = np.array([1010.0, 1000.0, 990.0])
with np.errstate(over="ignore", invalid="ignore"):
    print(np.exp(a) / np.sum(np.exp(a)))            # 最大値を引かないと [nan nan nan] / without the shift: nan
print(softmax(a))                                   # [9.9995e-01 4.54e-05 2.06e-09] くらい / about
print(softmax(np.array([[0.3, 2.9, 4.0], [0.0, 0.0, 0.0]])).sum(axis=1))   # 各行の和は 1 / each row adds up to 1

# %%
data_rng = np.random.default_rng(2019)
x_train = data_rng.integers(0, 256, size=(10000, 784), dtype=np.uint8)   # 画像の代わり / stands in for images
t_train = data_rng.integers(0, 10, size=10000)                          # ラベル / labels
t_train_onehot = np.eye(10, dtype=int)[t_train]                          # one-hot
print(x_train.shape, t_train.shape, t_train_onehot.shape)                # (10000, 784) (10000,) (10000, 10)

# %%
train_size = x_train.shape[0]
batch_size = 10
# TODO: ここにコードを書く / write your code here
raise NotImplementedError()
print(batch_mask)                          # 選ばれた番号(実行するたびに変わる)/ the chosen indices (new on every run)
print(x_batch.shape, t_batch.shape)        # (10, 784) (10, 10)

# %%
try:
    W = np.random.default_rng(0).normal(scale=1e-3, size=(784, 10))   # 学習前の重み / untrained weights
    y_batch = softmax((x_batch / 255.0) @ W)
    print("one-hot:", cross_entropy_error(y_batch, t_batch))
    print("labels: ", cross_entropy_error(y_batch, t_batch.argmax(axis=1)))
    print("log 10: ", np.log(10))
except NameError:
    print("上の練習で x_batch と t_batch を作ってください / Make x_batch and t_batch in the exercise above")
except NotImplementedError:
    print("softmax と cross_entropy_error を実装すると損失が表示されます / Implement softmax and cross_entropy_error to see the loss")

# %%
toy_rng = np.random.default_rng(4)
x_toy = np.sort(toy_rng.uniform(-2, 2, size=30))
t_toy = (x_toy + toy_rng.normal(scale=0.5, size=30) > 0).astype(int)     # ほぼ x > 0 がクラス 1 / roughly, class 1 is x > 0

def toy_predict(b):
    return softmax(np.stack([np.zeros_like(x_toy), 3 * (x_toy - b)], axis=1))

try:
    bs = np.linspace(-2, 2, 401)
    accuracy = [np.mean(toy_predict(b).argmax(axis=1) == t_toy) for b in bs]
    loss = [cross_entropy_error(toy_predict(b), t_toy) for b in bs]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
    left.plot(bs, accuracy, color="tab:orange")
    left.set(xlabel="パラメータ $b$ / parameter $b$", ylabel="認識精度 / accuracy",
             title="認識精度:階段状で、ほとんどの場所で傾きが 0\naccuracy: a staircase, slope 0 almost everywhere")
    right.plot(bs, loss)
    right.set(xlabel="パラメータ $b$ / parameter $b$", ylabel="損失 / loss",
              title="交差エントロピー誤差:なめらかで、傾きが向きを示す\ncross-entropy error: smooth, its slope shows the way")
    fig.tight_layout()
    plt.show()
except NotImplementedError:
    print("softmax と cross_entropy_error を実装すると図が表示されます / Implement softmax and cross_entropy_error to see the figure")

# %%
check_all(globals(), assignment="ch04_loss")
