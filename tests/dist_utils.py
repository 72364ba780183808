"""Run a function on N gloo processes (CPU) for distributed-equality tests."""
import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _entry(rank, world_size, port, fn, args, queue):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=world_size)
    try:
        # tensors would travel as shared-memory handles that die with this process: send copies
        result = fn(rank, world_size, *args)
        result = tuple(r.detach().numpy().copy() if isinstance(r, torch.Tensor) else r for r in result)
        queue.put((rank, result))
    finally:
        dist.destroy_process_group()


def run_distributed(fn, world_size=2, args=()):
    """Return ``[fn(rank, world_size, *args) for every rank]`` (a tuple; tensors come back as numpy)."""
    ctx = mp.get_context('spawn')
    queue = ctx.Queue()
    port = _free_port()
    procs = [ctx.Process(target=_entry, args=(r, world_size, port, fn, args, queue)) for r in range(world_size)]
    for p in procs:
        p.start()
    results = dict(queue.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return [results[r] for r in range(world_size)]
