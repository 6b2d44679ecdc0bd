"""PyTorch on the CPU as a peer of per: PER loss + gradient through autograd.

Run by bench/peers.ts with Debian's /usr/bin/python3 and python3-torch. Prints one JSON
object: the BLAS library torch loaded, an sgemm ceiling, and for each shape and thread
count the median and minimum milliseconds of loss + backward, with the directions fixed
(made once, outside the timed region, as per's seeded directions are cached).

f(t) = t·erf(t/√2) + √(2/π)·exp(−t²/2); loss = mean over samples and directions.
"""

import json
import math
import sys
import time

import torch

SQRT_HALF = math.sqrt(0.5)
SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


def blas_library():
    with open("/proc/self/maps") as maps:
        text = maps.read()
    for name in ("libopenblas", "libblis", "libmkl", "libblas"):
        if name in text:
            return name
    return "unknown"


def cpu_model():
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown CPU"


def per_loss(h, theta):
    x = h @ theta.T
    return (x * torch.erf(x * SQRT_HALF) + SQRT_2_OVER_PI * torch.exp(-0.5 * x * x)).mean()


def timed(fn, repeat, warmup=5):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2], times[0]


def main():
    shapes = json.loads(sys.argv[1])
    thread_counts = json.loads(sys.argv[2])
    repeat = int(sys.argv[3])
    torch.manual_seed(0)
    results = []
    for threads in thread_counts:
        torch.set_num_threads(threads)
        for b, d, s in shapes:
            h = torch.rand(b, d) * 2 - 1
            theta = torch.randn(s, d)
            theta = theta / theta.norm(dim=1, keepdim=True)
            h.requires_grad_(True)

            def step():
                h.grad = None
                per_loss(h, theta).backward()

            median, best = timed(step, repeat)
            results.append({"shape": [b, d, s], "threads": threads, "median": median, "min": best})
    torch.set_num_threads(1)
    a = torch.rand(2048, 2048)
    c = torch.rand(2048, 2048)
    median, best = timed(lambda: a @ c, 5, 2)
    sgemm = 2 * 2048**3 / (best / 1000) / 1e9
    print(json.dumps({
        "torch": torch.__version__,
        "blas": blas_library(),
        "cpu": cpu_model(),
        "sgemmGflops": sgemm,
        "results": results,
    }))


if __name__ == "__main__":
    main()
