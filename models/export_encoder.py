#!/usr/bin/python3
"""Export a tiny Hugging Face BERT-style encoder (no attention output) and write golden vectors.

Run from anywhere:  /usr/bin/python3 models/export_encoder.py
(needs Debian's python3-torch and python3-onnx; no PyPI packages, no `transformers`).

Produces, next to this file:
  tiny_encoder.onnx               input_ids[B,S], attention_mask[B,S], token_type_ids[B,S] (int64)
                                  -> last_hidden_state[B,S,48]   (the only output)
  golden/tiny_encoder/<case>/     eager PyTorch inputs, last_hidden_state and the per-layer
                                  attention probabilities attentions_<layer> [B,6,S,S]
                                  (format: see README.md, "HF-style encoder")

The model mirrors the module structure and the forward code of `transformers`' BertModel
(eager attention, absolute positions, no pooler), so its ONNX graph looks like the graph of
a user's exported Hugging Face encoder: one Softmax over [B,H,S,S] per layer, the
attention probabilities are NOT a graph output, and the additive mask is
`(1 - attention_mask) * finfo(float32).min`. Like most such exports it deliberately carries
no `vocab_size` metadata (only `model_name`): the vocabulary size is the first dimension
of the word-embedding table (`embeddings.word_embeddings.weight`, [211, 48]).

This script does not touch what export.py produces; it only rewrites tiny_encoder.onnx and
golden/tiny_encoder/. Deterministic: fixed seed, eval mode, float32, CPU, one thread.
"""

import math
import os
import shutil
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn

sys.dont_write_bytecode = True     # no models/__pycache__ from importing export.py
from export import OPSET, OUT_DIR, GOLDEN_DIR, check_and_print, write_case

SEED = 20240601
MODEL_NAME = "tiny_encoder"
VOCAB = 211
MAX_POSITIONS = 40
TYPE_VOCAB = 2
HIDDEN = 48
LAYERS = 3
HEADS = 6
HEAD_DIM = HIDDEN // HEADS
INTERMEDIATE = 96
LN_EPS = 1e-12
ONNX_PATH = os.path.join(OUT_DIR, MODEL_NAME + ".onnx")
TOL = 1e-5


# --------------------------------------------------------------------------- model (BertModel layout)

class BertEmbeddings(nn.Module):
    def __init__(self):
        super().__init__()
        self.word_embeddings = nn.Embedding(VOCAB, HIDDEN, padding_idx=0)
        self.position_embeddings = nn.Embedding(MAX_POSITIONS, HIDDEN)
        self.token_type_embeddings = nn.Embedding(TYPE_VOCAB, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=LN_EPS)
        self.dropout = nn.Dropout(0.1)
        self.register_buffer("position_ids", torch.arange(MAX_POSITIONS).expand((1, -1)), persistent=False)

    def forward(self, input_ids, token_type_ids):
        seq_length = input_ids.size()[1]
        position_ids = self.position_ids[:, 0:seq_length]
        inputs_embeds = self.word_embeddings(input_ids)
        token_type_embeddings = self.token_type_embeddings(token_type_ids)
        embeddings = inputs_embeds + token_type_embeddings
        position_embeddings = self.position_embeddings(position_ids)
        embeddings += position_embeddings
        embeddings = self.LayerNorm(embeddings)
        embeddings = self.dropout(embeddings)
        return embeddings


class BertSelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.num_attention_heads = HEADS
        self.attention_head_size = HEAD_DIM
        self.all_head_size = HEADS * HEAD_DIM
        self.query = nn.Linear(HIDDEN, self.all_head_size)
        self.key = nn.Linear(HIDDEN, self.all_head_size)
        self.value = nn.Linear(HIDDEN, self.all_head_size)
        self.dropout = nn.Dropout(0.1)

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        x = x.view(new_x_shape)
        return x.permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask):
        mixed_query_layer = self.query(hidden_states)
        key_layer = self.transpose_for_scores(self.key(hidden_states))
        value_layer = self.transpose_for_scores(self.value(hidden_states))
        query_layer = self.transpose_for_scores(mixed_query_layer)

        attention_scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        attention_scores = attention_scores + attention_mask
        attention_probs = nn.functional.softmax(attention_scores, dim=-1)   # [B, H, S, S]
        attention_probs_dropped = self.dropout(attention_probs)

        context_layer = torch.matmul(attention_probs_dropped, value_layer)
        context_layer = context_layer.permute(0, 2, 1, 3).contiguous()
        new_context_layer_shape = context_layer.size()[:-2] + (self.all_head_size,)
        context_layer = context_layer.view(new_context_layer_shape)
        return context_layer, attention_probs


class DenseResidualNorm(nn.Module):
    """HF's BertSelfOutput and BertOutput: dense, dropout, LayerNorm over the residual sum."""

    def __init__(self, in_dim):
        super().__init__()
        self.dense = nn.Linear(in_dim, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=LN_EPS)
        self.dropout = nn.Dropout(0.1)

    def forward(self, hidden_states, input_tensor):
        hidden_states = self.dense(hidden_states)
        hidden_states = self.dropout(hidden_states)
        hidden_states = self.LayerNorm(hidden_states + input_tensor)
        return hidden_states


class BertAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.self = BertSelfAttention()
        self.output = DenseResidualNorm(HIDDEN)

    def forward(self, hidden_states, attention_mask):
        self_outputs = self.self(hidden_states, attention_mask)
        attention_output = self.output(self_outputs[0], hidden_states)
        return attention_output, self_outputs[1]


class BertIntermediate(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(HIDDEN, INTERMEDIATE)
        self.intermediate_act_fn = nn.GELU()            # erf form ("gelu" in HF configs)

    def forward(self, hidden_states):
        return self.intermediate_act_fn(self.dense(hidden_states))


class BertLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention = BertAttention()
        self.intermediate = BertIntermediate()
        self.output = DenseResidualNorm(INTERMEDIATE)

    def forward(self, hidden_states, attention_mask):
        attention_output, attention_probs = self.attention(hidden_states, attention_mask)
        intermediate_output = self.intermediate(attention_output)
        layer_output = self.output(intermediate_output, attention_output)
        return layer_output, attention_probs


class BertEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer() for _ in range(LAYERS)])

    def forward(self, hidden_states, attention_mask):
        all_attentions = ()
        for layer_module in self.layer:
            hidden_states, attention_probs = layer_module(hidden_states, attention_mask)
            all_attentions = all_attentions + (attention_probs,)
        return hidden_states, all_attentions


class TinyBertModel(nn.Module):
    """BertModel(add_pooling_layer=False). forward returns last_hidden_state only (what is
    exported); encode also returns the tuple of per-layer attention probabilities (what HF
    returns with output_attentions=True), for the goldens."""

    def __init__(self):
        super().__init__()
        self.embeddings = BertEmbeddings()
        self.encoder = BertEncoder()

    @staticmethod
    def get_extended_attention_mask(attention_mask, dtype=torch.float32):
        extended_attention_mask = attention_mask[:, None, None, :]
        extended_attention_mask = extended_attention_mask.to(dtype=dtype)
        extended_attention_mask = (1.0 - extended_attention_mask) * torch.finfo(dtype).min
        return extended_attention_mask

    def encode(self, input_ids, attention_mask, token_type_ids):
        extended_attention_mask = self.get_extended_attention_mask(attention_mask)
        embedding_output = self.embeddings(input_ids, token_type_ids)
        last_hidden_state, attentions = self.encoder(embedding_output, extended_attention_mask)
        return last_hidden_state, attentions

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.encode(input_ids, attention_mask, token_type_ids)[0]


def init_weights(model, gen):
    """Larger-than-BERT weights (std 0.2) so attention rows are far from uniform."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.Linear):
                module.weight.copy_(torch.randn(module.weight.shape, generator=gen) * 0.2)
                module.bias.copy_(torch.randn(module.bias.shape, generator=gen) * 0.02)
            elif isinstance(module, nn.Embedding):
                module.weight.copy_(torch.randn(module.weight.shape, generator=gen) * 0.2)
                if module.padding_idx is not None:     # as HF's _init_weights: pad row is zero
                    module.weight[module.padding_idx].zero_()
            elif isinstance(module, nn.LayerNorm):
                module.weight.copy_(1.0 + torch.randn(module.weight.shape, generator=gen) * 0.05)
                module.bias.copy_(torch.randn(module.bias.shape, generator=gen) * 0.05)


# --------------------------------------------------------------------------- numpy re-evaluation of the graph

def _attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def _np_erf(x):
    return np.vectorize(math.erf, otypes=[np.float64])(x.astype(np.float64)).astype(x.dtype)


def run_numpy(model, feeds):
    """Minimal numpy interpreter for the ops this exporter emits (a check of the exported
    graph without onnxruntime). Raises on an op it does not know."""
    env = {init.name: onnx.numpy_helper.to_array(init) for init in model.graph.initializer}
    env.update(feeds)
    np_types = {onnx.TensorProto.FLOAT: np.float32, onnx.TensorProto.INT64: np.int64,
                onnx.TensorProto.BOOL: np.bool_, onnx.TensorProto.INT32: np.int32,
                onnx.TensorProto.DOUBLE: np.float64}
    for node in model.graph.node:
        i = [env[n] if n else None for n in node.input]
        op = node.op_type
        if op == "Constant":
            r = onnx.numpy_helper.to_array(_attr(node, "value"))
        elif op == "Shape":
            r = np.array(i[0].shape, dtype=np.int64)
        elif op == "Gather":
            r = np.take(i[0], i[1], axis=_attr(node, "axis", 0))
        elif op == "Unsqueeze":
            r = i[0]
            for ax in sorted(int(a) % (r.ndim + 1) for a in i[1]):
                r = np.expand_dims(r, ax)
        elif op == "Squeeze":
            r = np.squeeze(i[0], axis=tuple(int(a) for a in i[1]))
        elif op == "Concat":
            r = np.concatenate(i, axis=_attr(node, "axis"))
        elif op == "Reshape":
            shape = [d if d != 0 else i[0].shape[k] for k, d in enumerate(i[1])]
            r = i[0].reshape(shape)
        elif op == "Transpose":
            r = np.transpose(i[0], _attr(node, "perm"))
        elif op == "Slice":
            data, starts, ends = i[0], i[1], i[2]
            axes = i[3] if len(i) > 3 and i[3] is not None else range(len(starts))
            steps = i[4] if len(i) > 4 and i[4] is not None else [1] * len(starts)
            sl = [slice(None)] * data.ndim
            for s, e, a, st in zip(starts, ends, axes, steps):
                sl[int(a)] = slice(int(s), int(min(e, np.iinfo(np.int64).max)), int(st))
            r = data[tuple(sl)]
        elif op == "Cast":
            r = i[0].astype(np_types[_attr(node, "to")])
        elif op in ("Add", "Sub", "Mul", "Div"):
            f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide}[op]
            r = f(i[0], i[1])
            if r.dtype != i[0].dtype:
                r = r.astype(i[0].dtype)
        elif op == "MatMul":
            r = np.matmul(i[0], i[1])
        elif op == "Gemm":
            a = i[0].T if _attr(node, "transA", 0) else i[0]
            b = i[1].T if _attr(node, "transB", 0) else i[1]
            r = _attr(node, "alpha", 1.0) * (a @ b) + _attr(node, "beta", 1.0) * i[2]
        elif op == "Sqrt":
            r = np.sqrt(i[0])
        elif op == "Erf":
            r = _np_erf(i[0])
        elif op == "Softmax":
            ax = _attr(node, "axis", -1)
            e = np.exp(i[0] - i[0].max(axis=ax, keepdims=True))
            r = e / e.sum(axis=ax, keepdims=True)
        elif op == "LayerNormalization":
            ax = _attr(node, "axis", -1)
            eps = _attr(node, "epsilon", 1e-5)
            x = i[0].astype(np.float64)
            axes = tuple(range(ax % x.ndim, x.ndim))
            mean = x.mean(axis=axes, keepdims=True)
            var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
            r = ((x - mean) / np.sqrt(var + eps) * i[1] + i[2]).astype(np.float32)
        else:
            raise NotImplementedError(op)
        env[node.output[0]] = np.asarray(r)
    return env


# --------------------------------------------------------------------------- golden vectors

CASES = [  # name, batch, seq, lengths (right padding)
    ("b1_s7", 1, 7, [7]),
    ("b3_s12_padded", 3, 12, [12, 9, 4]),
    ("b2_s40", 2, 40, [40, 40]),
]


def make_inputs(batch, seq, lengths, gen):
    attention_mask = (torch.arange(seq)[None, :] < torch.tensor(lengths)[:, None]).to(torch.int64)
    input_ids = torch.randint(1, VOCAB, (batch, seq), generator=gen) * attention_mask  # padding: 0
    token_type_ids = torch.zeros(batch, seq, dtype=torch.int64)
    return input_ids, attention_mask, token_type_ids


def goldens(model, onnx_model, softmax_outputs, gen):
    case_dir = os.path.join(GOLDEN_DIR, MODEL_NAME)
    if os.path.isdir(case_dir):
        shutil.rmtree(case_dir)
    for case, batch, seq, lengths in CASES:
        input_ids, attention_mask, token_type_ids = make_inputs(batch, seq, lengths, gen)
        with torch.no_grad():
            last_hidden_state, attentions = model.encode(input_ids, attention_mask, token_type_ids)
        assert last_hidden_state.shape == (batch, seq, HIDDEN) and len(attentions) == LAYERS
        assert torch.isfinite(last_hidden_state).all()
        key_pad = (attention_mask == 0)[:, None, None, :]
        max_pad_weight, peak = 0.0, []
        valid_q = attention_mask.bool()[:, None, :].expand(batch, HEADS, seq)
        n_valid = attention_mask.sum(-1).to(torch.float32)[:, None, None].expand(batch, HEADS, seq)
        for a in attentions:
            assert a.shape == (batch, HEADS, seq, seq) and torch.isfinite(a).all()
            assert torch.allclose(a.sum(-1), torch.ones(()), atol=1e-5)
            if key_pad.any():
                max_pad_weight = max(max_pad_weight, a.masked_select(key_pad.expand_as(a)).max().item())
            # non-trivial attention: largest weight of each valid query row / the uniform weight 1/length
            peak.append((a.max(-1).values * n_valid).masked_select(valid_q))
        assert max_pad_weight <= 1e-30, max_pad_weight

        # The exported graph, re-evaluated with numpy, against eager PyTorch.
        env = run_numpy(onnx_model, {"input_ids": input_ids.numpy(), "attention_mask": attention_mask.numpy(),
                                     "token_type_ids": token_type_ids.numpy()})
        diff_out = float(np.abs(env["last_hidden_state"] - last_hidden_state.numpy()).max())
        diff_att = max(float(np.abs(env[name] - a.numpy()).max()) for name, a in zip(softmax_outputs, attentions))
        print(f"   golden {case}: lengths {lengths}, max padded-key weight {max_pad_weight:.1e}, "
              f"row max / uniform: median {torch.cat(peak).median().item():.2f}, min {torch.cat(peak).min().item():.2f}; "
              f"numpy graph vs eager: last_hidden_state {diff_out:.2e}, softmax outputs {diff_att:.2e}")
        assert diff_out <= TOL and diff_att <= TOL, case

        tensors = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids,
                   "last_hidden_state": last_hidden_state}
        for layer, a in enumerate(attentions):
            tensors[f"attentions_{layer}"] = a
        write_case(MODEL_NAME, case, tensors,
                   {"batch": batch, "seq": seq, "lengths": ",".join(map(str, lengths)), "layers": LAYERS,
                    "heads": HEADS, "padding_side": "right"})


# --------------------------------------------------------------------------- main

def main():
    print(f"torch {torch.__version__}, onnx {onnx.__version__}, python {sys.version.split()[0]}, opset {OPSET}")
    torch.manual_seed(SEED)
    torch.set_num_threads(1)           # bit-for-bit reproducible CPU reductions

    model = TinyBertModel()
    init_weights(model, torch.Generator().manual_seed(SEED))
    model.eval()

    # Trace with sizes used nowhere else (batch 2, seq 5, one row padded).
    ex = make_inputs(2, 5, [5, 3], torch.Generator().manual_seed(SEED + 1))
    kwargs = dict(export_params=True, opset_version=OPSET, do_constant_folding=True,
                  input_names=["input_ids", "attention_mask", "token_type_ids"],
                  output_names=["last_hidden_state"],
                  dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                "token_type_ids": {0: "batch", 1: "seq"},
                                "last_hidden_state": {0: "batch", 1: "seq"}})
    if "dynamo" in torch.onnx.export.__code__.co_varnames:   # newer torch: keep the TorchScript exporter
        kwargs["dynamo"] = False
    with torch.no_grad():
        torch.onnx.export(model, ex, ONNX_PATH, **kwargs)
    m = onnx.load(ONNX_PATH)
    onnx.helper.set_model_props(m, {"model_name": MODEL_NAME})   # deliberately no vocab_size
    onnx.save(m, ONNX_PATH)
    check_and_print(ONNX_PATH)

    m = onnx.load(ONNX_PATH)
    hist = {}
    for n in m.graph.node:
        hist[n.op_type] = hist.get(n.op_type, 0) + 1
    print("   op histogram " + ", ".join(f"{k}={v}" for k, v in sorted(hist.items())))
    softmax = [n for n in m.graph.node if n.op_type == "Softmax"]
    assert len(softmax) == LAYERS, len(softmax)
    for n in softmax:
        print(f"   Softmax node {n.name!r}: {n.input[0]} -> {n.output[0]} (axis {_attr(n, 'axis')})")
    inits = {i.name: tuple(i.dims) for i in m.graph.initializer}
    for name in ("embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                 "embeddings.token_type_embeddings.weight"):
        print(f"   initializer {name}: {list(inits[name])}")
    assert inits["embeddings.word_embeddings.weight"] == (VOCAB, HIDDEN)
    assert not any(p.key == "vocab_size" for p in m.metadata_props)

    goldens(model, m, [n.output[0] for n in softmax], torch.Generator().manual_seed(SEED + 2))
    d = os.path.join(GOLDEN_DIR, MODEL_NAME)
    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(d) for f in fs)
    print(f"golden/{MODEL_NAME} total: {total} bytes")
    print("OK")


if __name__ == "__main__":
    main()
