import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


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


def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + h
        fxh1 = f(x)                              # f(x+h)
        x[idx] = tmp_val - h
        fxh2 = f(x)                              # f(x-h)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val                         # 元に戻す / restore
        it.iternext()
    return grad


class TwoLayerNet:
    """入力層・隠れ層(sigmoid)・出力層(softmax)の2層ニューラルネットワーク。
    A two-layer neural network: inputs, a sigmoid hidden layer, a softmax output layer.
    """

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        """self.params に W1, b1, W2, b2 を作る(重み: weight_init_std × 標準正規乱数、バイアス: 0)。
        Create W1, b1, W2, b2 in self.params (weights: weight_init_std × standard normal, biases: 0).
        """
        self.params = {}
        self.params["W1"] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["W2"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = np.zeros(output_size)

    def predict(self, x):
        """各クラスの確率 softmax(sigmoid(x·W1 + b1)·W2 + b2) を返す。
        Return the class probabilities softmax(sigmoid(x·W1 + b1)·W2 + b2).
        """
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        z1 = np.maximum(0, np.dot(x, W1) + b1)
        return softmax(np.dot(z1, W2) + b2)

    def loss(self, x, t):
        """predict(x) と one-hot の正解 t の交差エントロピー誤差(バッチでは平均)を返す。
        Return the cross-entropy error of predict(x) against the one-hot t (the mean over a batch).
        """
        y = self.predict(x)
        return cross_entropy_error(y, t)

    def accuracy(self, x, t):
        """最も確率の高いクラスが正解と一致したサンプルの割合を返す(x, t はバッチ)。
        Return the fraction of samples whose most probable class is the label (x, t are batches).
        """
        y = np.argmax(self.predict(x), axis=1)
        labels = np.argmax(t, axis=1)
        return np.sum(y == labels) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        """loss(x, t) の勾配を、params と同じキーの辞書で返す(数値微分)。
        Return the gradient of loss(x, t) as a dict with the keys of params (numerical differentiation).
        """
        h = 1e-4
        grads = {}
        base = self.loss(x, t)
        for key, p in self.params.items():
            grads[key] = np.zeros_like(p)
            for idx in np.ndindex(p.shape):
                p[idx] += h
                grads[key][idx] = (self.loss(x, t) - base) / h
                p[idx] -= h
        return grads


def train(net, x, t, iters_num, batch_size, learning_rate, seed=None):
    """ミニバッチ SGD で net を iters_num ステップ学習させ、各ステップの(更新後の)ミニバッチの損失のリストを返す。
    Train net for iters_num steps of mini-batch SGD; return the list of each step's mini-batch loss (after the update).
    """
    rng = np.random.default_rng(seed)
    train_size = x.shape[0]
    losses = []
    for i in range(iters_num):
        batch_mask = rng.choice(train_size, batch_size)
        x_batch, t_batch = x[batch_mask], t[batch_mask]
        grad = net.numerical_gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            net.params[key] -= learning_rate * grad[key]
        losses.append(net.loss(x_batch, t_batch))
    return losses
