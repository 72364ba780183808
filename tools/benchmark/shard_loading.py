"""Reading + decoding image-caption pairs from web-dataset shards vs the same JPEGs in a folder.

    python tools/benchmark/shard_loading.py [--samples 2000]

Both paths decode every JPEG with the same decoder; the shard path also finds members by
offset and reads captions. Prints, last, shard throughput / folder throughput (target >= 0.9).
"""
import argparse
import os
import os.path as osp
import tarfile
import tempfile

from mmengine.registry import init_default_scope

from mmseg_textsup.datasets.toy.export import write_shards
from mmseg_textsup.datasets.transforms import LoadImageTextPair
from mmseg_textsup.datasets.web_dataset_pairs import WebDatasetPairs
from benchmark_utils import compare


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--samples', type=int, default=2000)
    parser.add_argument('--size', type=int, default=224, help='image side of the generated JPEGs')
    args = parser.parse_args()
    init_default_scope('mmseg')
    with tempfile.TemporaryDirectory() as tmp:
        shards = write_shards(osp.join(tmp, 'shards'), args.samples, samples_per_shard=500, size=args.size)
        folder = osp.join(tmp, 'folder')
        os.makedirs(folder)
        for path in shards:  # the same JPEG bytes and captions, extracted for the folder contender
            with tarfile.open(path) as tar:
                tar.extractall(folder, filter='data')
        items = []
        for name in sorted(os.listdir(folder)):
            if name.endswith('.jpg'):
                with open(osp.join(folder, name[:-4] + '.txt')) as f:
                    items.append(dict(img_path=osp.join(folder, name), caption=f.read()))
        dataset = WebDatasetPairs(shards=shards, pipeline=[dict(type='LoadImageTextPair')])
        load = LoadImageTextPair(strict=True)

        def from_shards():
            for i in range(len(dataset)):
                dataset[i]

        def from_folder():
            for item in items:
                load(dict(item))

        medians = compare({'shards': from_shards, 'folder': from_folder}, repeats=3, warmup=1)
        n = len(items)
        for name, t in medians.items():
            print(f'{name:<8s} {n / t:8.0f} samples/s')
        print(f'shard / folder throughput = {medians["folder"] / medians["shards"]:.3f} (target >= 0.9)')


if __name__ == '__main__':
    main()
