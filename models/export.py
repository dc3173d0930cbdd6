#!/usr/bin/python3
"""Export the attention-stream reference models to ONNX and write golden vectors.

Run from anywhere:  /usr/bin/python3 models/export.py
(needs Debian's python3-torch and python3-onnx; no PyPI packages).

Produces, next to this file:
  feature_attention.onnx              x[B,S,64], pad_mask[B,S] -> out[B,S,64], weights[B,4,S,S]
  token_attention.onnx                tokens[B,S], pad_mask[B,S] -> out, weights (Embedding(1000,64) + MHA)
  floor.onnx                          same signature as feature_attention, trivial compute (ORT fixed cost)
  incremental_feature_attention.onnx  one new position against cached keys/values, same weights
                                      as feature_attention
  golden/<model_name>/<case_name>/    eager PyTorch inputs/outputs (format: see README.md)

Everything is deterministic: fixed seed, eval mode, float32, CPU. See README.md for
the model contract and the golden-vector format.
"""

import math
import os
import shutil
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn

SEED = 20240517
OPSET = 17
D_MODEL = 64
HEADS = 4
HEAD_DIM = D_MODEL // HEADS
VOCAB = 1000
OUT_DIR = os.path.dirname(os.path.abspath(__file__))
GOLDEN_DIR = os.path.join(OUT_DIR, "golden")
TOL = 1e-5


# --------------------------------------------------------------------------- models

class FeatureAttention(nn.Module):
    """Self-attention over feature vectors: nn.MultiheadAttention, per-head weights."""

    def __init__(self):
        super().__init__()
        self.mha = nn.MultiheadAttention(embed_dim=D_MODEL, num_heads=HEADS, batch_first=True)

    def forward(self, x, pad_mask):
        out, weights = self.mha(x, x, x, key_padding_mask=pad_mask,
                                need_weights=True, average_attn_weights=False)
        return out, weights


class TokenAttention(nn.Module):
    """Embedding(1000, 64) followed by self-attention (its own MHA weights)."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, D_MODEL)
        self.mha = nn.MultiheadAttention(embed_dim=D_MODEL, num_heads=HEADS, batch_first=True)

    def forward(self, tokens, pad_mask):
        x = self.embedding(tokens)
        out, weights = self.mha(x, x, x, key_padding_mask=pad_mask,
                                need_weights=True, average_attn_weights=False)
        return out, weights


class Floor(nn.Module):
    """Near-zero compute with the feature signature, to measure the fixed cost of run().

    out = x (copied); weights[b, 0, i, j] = 1.0 if query i and key j are both valid, else 0.0
    (pad_mask must be used, otherwise the exporter drops it as an unused input; the
    broadcasting Mul keeps the static head dimension 1 visible to ONNX shape inference).
    """

    def forward(self, x, pad_mask):
        out = x * 1.0
        valid = 1.0 - pad_mask.to(torch.float32)                 # [B, S]
        weights = valid[:, None, :, None] * valid[:, None, None, :]   # [B, 1, S, S]
        return out, weights


class IncrementalFeatureAttention(nn.Module):
    """The newest position of FeatureAttention, computed from cached projected keys/values.

    Shares (references) the MultiheadAttention module of a FeatureAttention instance.
    Inputs:  x_new [B,1,64], past_keys/past_values [B,4,P,16], past_mask [B,P] (true = no entry).
    Outputs: out [B,1,64], weights [B,4,1,P+1] (past first, new position last),
             new_keys/new_values [B,4,1,16] (to append to the cache).
    """

    def __init__(self, mha: nn.MultiheadAttention):
        super().__init__()
        self.mha = mha

    def forward(self, x_new, past_keys, past_values, past_mask):
        # One projection for q, k and v, with 1/sqrt(head_dim) folded into the query rows: a power
        # of two, so the folded weights give bit-identical queries (the exporter folds the scaling).
        w, b = self.mha.in_proj_weight, self.mha.in_proj_bias          # [3d, d], [3d]
        scale = torch.cat([torch.full((D_MODEL,), 1.0 / math.sqrt(HEAD_DIM)), torch.ones(2 * D_MODEL)])
        qkv = torch.matmul(x_new, (w * scale[:, None]).t()) + b * scale  # [B,1,3d]
        # [B,1,3d] is [B, 3, H, 1, hd] in memory: q, the new key and the new value, per head.
        q, new_keys, new_values = qkv.reshape(x_new.shape[0], 3, HEADS, 1, HEAD_DIM).unbind(1)

        # The past and the new position are scored apart and only the scores are concatenated:
        # concatenating the cached keys and values would copy the whole cache on every event.
        past_scores = torch.matmul(q, past_keys.transpose(-2, -1))             # [B,H,1,P]
        past_scores = past_scores.masked_fill(past_mask[:, None, None, :], float("-inf"))
        new_score = (q * new_keys).sum(-1, keepdim=True)                     # [B,H,1,1]: never masked
        weights = torch.softmax(torch.cat([past_scores, new_score], dim=-1), dim=-1)  # [B,H,1,P+1]
        ctx = torch.matmul(weights[..., :-1], past_values) + weights[..., -1:] * new_values  # [B,H,1,hd]
        out = self.mha.out_proj(ctx.reshape(x_new.shape[0], 1, D_MODEL))   # heads are contiguous
        return out, weights, new_keys, new_values


def split_heads(t):
    """[B, L, d] -> [B, H, L, hd]."""
    return t.reshape(t.shape[0], t.shape[1], HEADS, HEAD_DIM).transpose(1, 2)


def project_kv(mha, x):
    """Keys and values of feature_attention for inputs x [B,L,d], per head: [B,H,L,hd]."""
    w, b = mha.in_proj_weight, mha.in_proj_bias
    d = D_MODEL
    k = torch.matmul(x, w[d:2 * d].t()) + b[d:2 * d]
    v = torch.matmul(x, w[2 * d:].t()) + b[2 * d:]
    return split_heads(k), split_heads(v)


def eager(model, *inputs):
    """Eager reference run.

    Grad stays enabled (parameters require grad) so nn.MultiheadAttention takes its
    reference Python path (F.multi_head_attention_forward) -- the path the exporter
    traces -- rather than the fused CPU fast path used under no_grad.
    """
    with torch.enable_grad():
        outs = model(*inputs)
    return tuple(o.detach() for o in outs)


# --------------------------------------------------------------------------- export

def export(model, args, path, input_names, output_names, dynamic_axes, props):
    kwargs = dict(export_params=True, opset_version=OPSET, do_constant_folding=True,
                  input_names=input_names, output_names=output_names,
                  dynamic_axes=dynamic_axes)
    if "dynamo" in torch.onnx.export.__code__.co_varnames:   # newer torch: keep the TorchScript exporter
        kwargs["dynamo"] = False
    with torch.enable_grad():
        torch.onnx.export(model, args, path, **kwargs)
    m = onnx.load(path)
    onnx.helper.set_model_props(m, props)
    onnx.save(m, path)
    check_and_print(path)


def check_and_print(path):
    m = onnx.load(path)
    onnx.checker.check_model(m)

    def sig(v):
        t = v.type.tensor_type
        dims = [d.dim_param if d.dim_param else str(d.dim_value) for d in t.shape.dim]
        return f"{v.name}: {onnx.TensorProto.DataType.Name(t.elem_type).lower()} [{', '.join(dims)}]"

    print(f"== {os.path.basename(path)}  (opset {m.opset_import[0].version}, "
          f"{len(m.graph.node)} nodes, {os.path.getsize(path)} bytes)")
    for v in m.graph.input:
        print("   input  " + sig(v))
    for v in m.graph.output:
        print("   output " + sig(v))
    print("   metadata " + ", ".join(f"{p.key}={p.value}" for p in m.metadata_props))
    print("   ops " + ", ".join(sorted({n.op_type for n in m.graph.node})))


def props(name, kind, heads=HEADS, **extra):
    p = {"model_name": name, "input_kind": kind, "heads": str(heads), "d_model": str(D_MODEL)}
    p.update({k: str(v) for k, v in extra.items()})
    return p


# --------------------------------------------------------------------------- golden vectors

DTYPES = {torch.float32: ("float32", "<f4"), torch.int64: ("int64", "<i8"), torch.bool: ("bool", "u1")}


def write_case(model_name, case_name, tensors, header):
    """tensors: ordered dict name -> torch tensor; header: dict of extra properties."""
    d = os.path.join(GOLDEN_DIR, model_name, case_name)
    os.makedirs(d, exist_ok=True)
    lines = [f"# golden vectors for {model_name}, eager PyTorch {torch.__version__}"]
    lines += [f"{k}={v}" for k, v in header.items()]
    for name, t in tensors.items():
        dtype_name, np_dtype = DTYPES[t.dtype]
        np.ascontiguousarray(t.detach().cpu().numpy().astype(np_dtype)).tofile(os.path.join(d, name + ".bin"))
        lines.append(f"shape.{name}={','.join(str(s) for s in t.shape)}")
        lines.append(f"dtype.{name}={dtype_name}")
    with open(os.path.join(d, "case.properties"), "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


def pad_mask_for(lengths, seq):
    pos = torch.arange(seq)[None, :]
    return pos >= torch.tensor(lengths)[:, None]          # [B,S], true = padding (right side)


WINDOW_CASES = [  # name, batch, seq, lengths
    ("b1_s1", 1, 1, [1]),
    ("b1_s7", 1, 7, [7]),
    ("b1_s64", 1, 64, [64]),
    ("b3_s7_padded", 3, 7, [7, 4, 1]),
    ("b3_s64_padded", 3, 64, [64, 33, 5]),
    ("b3_s64_full", 3, 64, [64, 64, 64]),
]


def window_goldens(model_name, model, kind, gen):
    for case, batch, seq, lengths in WINDOW_CASES:
        pad = pad_mask_for(lengths, seq)
        if kind == "features":
            inp = torch.randn(batch, seq, D_MODEL, generator=gen).masked_fill(pad[:, :, None], 0.0)
            in_name = "x"
        else:
            inp = torch.randint(0, VOCAB, (batch, seq), generator=gen).masked_fill(pad, 0)
            in_name = "tokens"
        out, weights = eager(model, inp, pad)
        assert torch.isfinite(out).all() and torch.isfinite(weights).all()
        assert weights.shape == (batch, HEADS, seq, seq)
        # padded keys get exactly zero weight; every query row sums to one
        assert (weights.masked_select(pad[:, None, None, :].expand_as(weights)) == 0).all()
        assert torch.allclose(weights.sum(-1), torch.ones(()), atol=1e-5)
        write_case(model_name, case,
                   {in_name: inp, "pad_mask": pad, "out": out, "weights": weights},
                   {"batch": batch, "seq": seq, "lengths": ",".join(map(str, lengths))})
    print(f"   golden: {len(WINDOW_CASES)} cases for {model_name}")


INCREMENTAL_CASES = [  # name, batch, past, valid past entries per row (the rightmost ones)
    ("b1_past0", 1, 0, [0]),
    ("b1_past6", 1, 6, [6]),
    ("b3_past63_masked", 3, 63, [63, 20, 0]),
]


def incremental_goldens(feature, incremental, gen):
    """Masked past entries are on the LEFT: row r's valid entries are its last valid[r] slots,
    in event order, immediately followed by the new event (oldest slots empty first)."""
    for case, batch, past, valid in INCREMENTAL_CASES:
        seq = past + 1
        # The window [past events..., new event], left-padded with zeros where there is no entry.
        window_pad = torch.zeros(batch, seq, dtype=torch.bool)
        for r, n in enumerate(valid):
            window_pad[r, :past - n] = True
        window_x = torch.randn(batch, seq, D_MODEL, generator=gen).masked_fill(window_pad[:, :, None], 0.0)

        x_new = window_x[:, past:, :].clone()
        past_mask = window_pad[:, :past].clone()
        with torch.enable_grad():
            pk, pv = project_kv(feature.mha, window_x[:, :past, :])
        past_keys = pk.detach().masked_fill(past_mask[:, None, :, None], 0.0)   # empty slots: zeros
        past_values = pv.detach().masked_fill(past_mask[:, None, :, None], 0.0)

        out, weights, new_keys, new_values = eager(incremental, x_new, past_keys, past_values, past_mask)
        assert out.shape == (batch, 1, D_MODEL) and weights.shape == (batch, HEADS, 1, seq)
        assert new_keys.shape == new_values.shape == (batch, HEADS, 1, HEAD_DIM)

        # Check 1: the last row of feature_attention on the same (left-padded) window.
        f_out, f_w = eager(feature, window_x, window_pad)
        diff_out = (out - f_out[:, -1:, :]).abs().max().item()
        diff_w = (weights - f_w[:, :, -1:, :]).abs().max().item()
        # Check 2: per row, the last row of feature_attention on only the valid events (no padding).
        diff_unpadded = 0.0
        for r, n in enumerate(valid):
            xr = window_x[r:r + 1, past - n:, :]
            u_out, u_w = eager(feature, xr, torch.zeros(1, n + 1, dtype=torch.bool))
            diff_unpadded = max(diff_unpadded,
                                (out[r, -1] - u_out[0, -1]).abs().max().item(),
                                (weights[r, :, -1, past - n:] - u_w[0, :, -1, :]).abs().max().item())
        # Check 3: new_keys/new_values equal the projection of x_new.
        nk, nv = project_kv(feature.mha, x_new)
        diff_kv = max((new_keys - nk.detach()).abs().max().item(), (new_values - nv.detach()).abs().max().item())
        print(f"   incremental {case}: max|out - feature_attention last row| = {diff_out:.3e}, "
              f"weights {diff_w:.3e}, vs unpadded windows {diff_unpadded:.3e}, new k/v {diff_kv:.3e}")
        assert max(diff_out, diff_w, diff_unpadded, diff_kv) <= TOL, case

        lengths = [n + 1 for n in valid]
        write_case("incremental_feature_attention", case,
                   {"x_new": x_new, "past_keys": past_keys, "past_values": past_values,
                    "past_mask": past_mask, "out": out, "weights": weights,
                    "new_keys": new_keys, "new_values": new_values,
                    "window_x": window_x, "window_pad_mask": window_pad},
                   {"batch": batch, "past": past, "seq": seq, "lengths": ",".join(map(str, lengths)),
                    "padding_side": "left"})


# --------------------------------------------------------------------------- main

def main():
    print(f"torch {torch.__version__}, onnx {onnx.__version__}, python {sys.version.split()[0]}, opset {OPSET}")
    torch.manual_seed(SEED)
    torch.set_num_threads(1)           # bit-for-bit reproducible CPU reductions

    feature = FeatureAttention().eval()
    token = TokenAttention().eval()
    floor = Floor().eval()
    incremental = IncrementalFeatureAttention(feature.mha).eval()

    window_axes = {"x": {0: "batch", 1: "seq"}, "tokens": {0: "batch", 1: "seq"},
                   "pad_mask": {0: "batch", 1: "seq"}, "out": {0: "batch", 1: "seq"},
                   "weights": {0: "batch", 2: "seq", 3: "seq"}}
    # Trace with batch/seq sizes that appear nowhere else (2, 5) so that a size baked
    # into the graph by mistake would be easy to spot.
    x_ex = torch.randn(2, 5, D_MODEL)
    tok_ex = torch.randint(0, VOCAB, (2, 5))
    pad_ex = pad_mask_for([5, 3], 5)

    def axes(*names):
        return {n: window_axes[n] for n in names}

    export(feature, (x_ex, pad_ex), os.path.join(OUT_DIR, "feature_attention.onnx"),
           ["x", "pad_mask"], ["out", "weights"], axes("x", "pad_mask", "out", "weights"),
           props("feature_attention", "features"))
    export(token, (tok_ex, pad_ex), os.path.join(OUT_DIR, "token_attention.onnx"),
           ["tokens", "pad_mask"], ["out", "weights"], axes("tokens", "pad_mask", "out", "weights"),
           props("token_attention", "tokens", vocab_size=VOCAB))
    export(floor, (x_ex, pad_ex), os.path.join(OUT_DIR, "floor.onnx"),
           ["x", "pad_mask"], ["out", "weights"], axes("x", "pad_mask", "out", "weights"),
           props("floor", "features", heads=1))

    p_ex = 3
    inc_args = (torch.randn(2, 1, D_MODEL), torch.randn(2, HEADS, p_ex, HEAD_DIM),
                torch.randn(2, HEADS, p_ex, HEAD_DIM), pad_mask_for([3, 1], p_ex).flip(1))
    export(incremental, inc_args, os.path.join(OUT_DIR, "incremental_feature_attention.onnx"),
           ["x_new", "past_keys", "past_values", "past_mask"],
           ["out", "weights", "new_keys", "new_values"],
           {"x_new": {0: "batch"}, "past_keys": {0: "batch", 2: "past"},
            "past_values": {0: "batch", 2: "past"}, "past_mask": {0: "batch", 1: "past"},
            "out": {0: "batch"}, "weights": {0: "batch", 3: "past_plus_1"},
            "new_keys": {0: "batch"}, "new_values": {0: "batch"}},
           props("incremental_feature_attention", "features", head_dim=HEAD_DIM,
                 incremental_of="feature_attention"))

    # Golden vectors from eager PyTorch; each model gets its own generator so that
    # adding a case to one model does not change the others.
    if os.path.isdir(GOLDEN_DIR):
        shutil.rmtree(GOLDEN_DIR)
    window_goldens("feature_attention", feature, "features", torch.Generator().manual_seed(SEED + 1))
    window_goldens("token_attention", token, "tokens", torch.Generator().manual_seed(SEED + 2))
    incremental_goldens(feature, incremental, torch.Generator().manual_seed(SEED + 3))

    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(GOLDEN_DIR) for f in fs)
    print(f"golden total: {total} bytes")
    print("OK")


if __name__ == "__main__":
    main()
