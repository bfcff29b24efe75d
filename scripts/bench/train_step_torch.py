"""PyTorch reference for scripts/bench/train-step.ts: one training step (forward + backward + RMSProp update)
of the same MNIST autoencoder (encoder 83,704 + decoder 110,129 parameters, MAE loss, batch 250) on the CPU.

    /usr/bin/python3 scripts/bench/train_step_torch.py [--threads 1] [--batch 250] [--steps 7] [--warmup 2]

Needs PyTorch (Debian: apt-get install python3-torch). Prints the median step time and the per-step times.
"""
import argparse
import statistics
import time

import torch
from torch import nn


def conv(cin, cout, padding=1):
    return nn.Conv2d(cin, cout, 3, padding=padding)


def encoder():
    layers, c = [], 1
    for f in (8, 16, 32):
        layers += [conv(c, f), nn.LeakyReLU(0.2), conv(f, f), nn.LeakyReLU(0.2), nn.AvgPool2d(2, ceil_mode=True)]
        c = f
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(4 * 4 * 32, 128))


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(128, 512)
        self.body = nn.Sequential(
            conv(32, 32), nn.LeakyReLU(0.2), conv(32, 32), nn.LeakyReLU(0.2), nn.Upsample(scale_factor=2),
            conv(32, 32), nn.LeakyReLU(0.2), conv(32, 32), nn.LeakyReLU(0.2), nn.Upsample(scale_factor=2),
            conv(32, 16, padding=0), nn.LeakyReLU(0.2), conv(16, 16), nn.LeakyReLU(0.2), nn.Upsample(scale_factor=2),
            conv(16, 1), nn.Sigmoid(),
        )

    def forward(self, z):
        return self.body(self.dense(z).view(-1, 32, 4, 4))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--batch', type=int, default=250)
    ap.add_argument('--steps', type=int, default=7)
    ap.add_argument('--warmup', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    enc, dec = encoder(), Decoder()
    n_enc = sum(p.numel() for p in enc.parameters())
    n_dec = sum(p.numel() for p in dec.parameters())
    opt = torch.optim.RMSprop(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)
    x = torch.rand(a.batch, 1, 28, 28)
    times = []
    for i in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = (dec(enc(x)) - x).abs().mean()
        loss.backward()
        opt.step()
        dt = time.perf_counter() - t0
        if i >= a.warmup:
            times.append(dt)
    print(f'pytorch {torch.__version__} cpu, threads {a.threads}; params encoder {n_enc}, decoder {n_dec}; batch {a.batch}')
    print(f'train step: median {statistics.median(times):.3f} s over {a.steps} steps after {a.warmup} warm-up '
          f'[{", ".join(f"{t * 1000:.0f}" for t in times)} ms]')


if __name__ == '__main__':
    main()
