"""The fine-tune (torch): all-MiniLM-L6-v2's top layers and a linear head, trained on laid-out quotes.

The lower layers stay frozen, so their output for every quote is computed once (`lower_states`) and the
training passes run only the top layers. Each run is seeded (torch's generator, numpy's for the batch order,
a separate generator for the head's initial weights), single-threaded and deterministic; the forward pass
of training runs under bfloat16 autocast, the held-out pass in float32. The same inputs, seed and torch
build give the same weights bit for bit; this is the procedure of the research run that made the shipped
model (`ft.py --mode topk --k 2 --fmt q_ctx --lr 1e-4 --final`), step for step.
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..encoder.tokenizer import Encoded

HIDDEN = 384
PREFILL_BATCH = 64  # rows per batch when computing frozen states and held-out features (length-sorted)


@dataclass(frozen=True)
class FineTuneConfig:
    """The shipped model's settings."""

    top_layers: int = 2  # encoder layers trained; the ones below are frozen
    max_length: int = 128
    epochs: float = 4
    lr: float = 1e-4  # the top layers'
    head_lr: float = 2e-3
    batch_size: int = 32
    weight_decay: float = 0.01
    dropout: float = 0.1  # before the head (the encoder's own dropout is its config's)
    seed: int = 0
    bf16: bool = True  # bfloat16 autocast in the training forward pass


def deterministic(threads: int = 1) -> None:
    """One thread and deterministic kernels: the run's result depends on its inputs and seed alone."""
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)


def load_bert(directory: Path):
    """The registry package's BERT, read by transformers from its model directory (no network, no pooler)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import BertModel
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # not the "unused pooler weights" notice
    hf_logging.disable_progress_bar()
    return BertModel.from_pretrained(str(directory), add_pooling_layer=False, attn_implementation="eager")


def extended_mask(am: torch.Tensor) -> torch.Tensor:
    """The additive attention mask of the eager BertLayer: 0 where attended, the most negative float where padded."""
    return (1.0 - am[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min


def mean_pool(h: torch.Tensor, am: torch.Tensor) -> torch.Tensor:
    m = am.unsqueeze(-1).to(h.dtype)
    return (h * m).sum(1) / m.sum(1).clamp(min=1)


def pad(batch: Encoded) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(ids, type ids, attention mask), zero-padded to the longest input of the batch."""
    n = max(len(i) for i, _ in batch)
    ids = np.zeros((len(batch), n), np.int64)
    tt = np.zeros_like(ids)
    am = np.zeros_like(ids)
    for k, (i, t) in enumerate(batch):
        ids[k, :len(i)] = i
        tt[k, :len(t)] = t
        am[k, :len(i)] = 1
    return torch.tensor(ids), torch.tensor(tt), torch.tensor(am)


class StanceNet(nn.Module):
    """The encoder with its top `top_layers` layers trainable, mean pooling, dropout and a linear head."""

    def __init__(self, directory: Path, n_labels: int, top_layers: int, dropout: float, seed: int):
        super().__init__()
        self.bert = load_bert(directory)
        for q in self.bert.parameters():
            q.requires_grad = False
        self.first = len(self.bert.encoder.layer) - top_layers  # the first trained layer
        for layer in self.bert.encoder.layer[self.first:]:
            for q in layer.parameters():
                q.requires_grad = True
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(HIDDEN, n_labels)
        gen = torch.Generator().manual_seed(seed + 1000)
        with torch.no_grad():
            self.head.weight.copy_(torch.randn(n_labels, HIDDEN, generator=gen) * 0.02)
            self.head.bias.zero_()

    def lower(self, ids: torch.Tensor, tt: torch.Tensor, am: torch.Tensor) -> torch.Tensor:
        """The hidden state entering the first trained layer (the frozen part; no gradient)."""
        with torch.no_grad():
            h = self.bert.embeddings(input_ids=ids, token_type_ids=tt)
            ext = extended_mask(am)
            for layer in self.bert.encoder.layer[:self.first]:
                h = layer(h, attention_mask=ext)
                h = h[0] if isinstance(h, tuple) else h
        return h

    def features(self, h: torch.Tensor, am: torch.Tensor) -> torch.Tensor:
        """Mean-pooled output of the trained layers, from the frozen part's state `h`."""
        ext = extended_mask(am)
        for layer in self.bert.encoder.layer[self.first:]:
            h = layer(h, attention_mask=ext)
            h = h[0] if isinstance(h, tuple) else h
        return mean_pool(h, am)


def lower_states(directory: Path, enc: Encoded, top_layers: int) -> list[torch.Tensor]:
    """The frozen layers' output for every input, each cut to its own length (computed once per process, in
    length-sorted batches of 64, as the research run did: padding changes the last bits of a batch's sums)."""
    net = StanceNet(directory, 1, top_layers, 0.0, 0).eval()
    out: list[torch.Tensor | None] = [None] * len(enc)
    order = np.argsort([len(e[0]) for e in enc], kind="stable")
    for b in range(0, len(order), PREFILL_BATCH):
        idx = order[b:b + PREFILL_BATCH]
        ids, tt, am = pad([enc[i] for i in idx])
        h = net.lower(ids, tt, am)
        for j, i in enumerate(idx):
            out[i] = h[j, :len(enc[i][0])].clone()
    return out  # type: ignore[return-value]


def batches(lengths: Sequence[int], batch_size: int, rng: np.random.RandomState) -> list[np.ndarray]:
    """One epoch's batches: the rows shuffled, cut in chunks of 50 batches, each chunk sorted by length (less
    padding), then the batches shuffled."""
    idx = rng.permutation(len(lengths))
    out = []
    for c in range(0, len(idx), batch_size * 50):
        chunk = idx[c:c + batch_size * 50]
        chunk = chunk[np.argsort([lengths[i] for i in chunk], kind="stable")]
        out += [chunk[b:b + batch_size] for b in range(0, len(chunk), batch_size)]
    return [out[i] for i in rng.permutation(len(out))]


def _stacked(states: Sequence[torch.Tensor], idx: Sequence[int], length: int) -> torch.Tensor:
    return torch.stack([F.pad(states[i], (0, 0, 0, length - states[i].shape[0])) for i in idx])


@dataclass
class FineTuned:
    net: StanceNet
    base: dict[str, torch.Tensor]  # the trained weights before training
    train_cpu: float

    def deltas(self) -> dict[str, np.ndarray]:
        """name -> fine-tuned minus base weight (float32), for every trained weight of the encoder."""
        return {n: (q.detach() - self.base[n]).numpy() for n, q in self.net.bert.named_parameters()
                if q.requires_grad}

    def head(self) -> tuple[np.ndarray, np.ndarray]:
        return self.net.head.weight.detach().numpy().copy(), self.net.head.bias.detach().numpy().copy()

    def logits(self, enc: Encoded, states: Sequence[torch.Tensor]) -> np.ndarray:
        """Held-out logits (float32 pass, eval mode), in length-sorted batches of 64."""
        self.net.eval()
        order = np.argsort([len(e[0]) for e in enc], kind="stable")
        feats = np.zeros((len(enc), HIDDEN), np.float32)
        with torch.no_grad():
            for b in range(0, len(order), PREFILL_BATCH):
                idx = order[b:b + PREFILL_BATCH]
                ids, tt, am = pad([enc[i] for i in idx])
                feats[idx] = self.net.features(_stacked(states, idx, ids.shape[1]), am).numpy()
            return self.net.head(torch.tensor(feats)).numpy()


def fine_tune(directory: Path, enc: Encoded, gold: np.ndarray, states: Sequence[torch.Tensor], n_labels: int,
              config: FineTuneConfig, seed: int | None = None,
              log: Callable[[str], None] | None = None) -> FineTuned:
    """Train on the inputs `enc` (with their frozen `states`) and gold label indices `gold`.

    Cross-entropy on one-hot targets, AdamW (the head at its own learning rate), a linear warm-up over the
    first tenth of the steps then a linear decay to zero."""
    seed = config.seed if seed is None else seed
    torch.manual_seed(seed)
    rng = np.random.RandomState(seed)
    net = StanceNet(directory, n_labels, config.top_layers, config.dropout, seed)
    base = {n: q.detach().clone() for n, q in net.bert.named_parameters() if q.requires_grad}
    targets = torch.zeros(len(enc), n_labels, dtype=torch.float32)
    targets[torch.arange(len(enc)), torch.as_tensor(gold)] = 1.0
    params = [q for n, q in net.named_parameters() if q.requires_grad and not n.startswith("head")]
    opt = torch.optim.AdamW([{"params": params, "lr": config.lr},
                             {"params": net.head.parameters(), "lr": config.head_lr}],
                            weight_decay=config.weight_decay)
    lengths = [len(e[0]) for e in enc]
    per_epoch = math.ceil(len(enc) / config.batch_size)
    total = int(round(per_epoch * config.epochs))
    warm = max(1, total // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / max(1, total - warm)))
    step, t0 = 0, time.process_time()
    while step < total:
        for idx in batches(lengths, config.batch_size, rng):
            if step >= total:
                break
            _, _, am = pad([enc[i] for i in idx])
            h0 = _stacked(states, idx, am.shape[1])
            net.train()
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=config.bf16):
                z = net.head(net.drop(net.features(h0, am))).float()
            loss = -(targets[idx] * F.log_softmax(z, -1)).sum(-1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            if log and (step % per_epoch == 0 or step == total):
                log(f"  step {step}/{total}  loss {loss.item():.3f}  cpu {time.process_time() - t0:.0f} s")
    net.eval()
    return FineTuned(net, base, time.process_time() - t0)
