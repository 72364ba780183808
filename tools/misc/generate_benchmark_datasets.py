"""Write small datasets in the folder layouts of the 8 zero-shot benchmarks (mmseg_textsup.datasets.benchmark_layouts).

    python tools/misc/generate_benchmark_datasets.py data_generated            # 2 images each, real sizes
    python tools/misc/generate_benchmark_datasets.py data_generated --images 5 --size 120 160
    python tools/benchmark_table.py configs/sclip --data-dir data_generated    # then run any config on them

The layouts are those the dataset configs read (configs/_base_/datasets/), with the real datasets' file
names, suffixes, split lists, label values and ignore values; the images are coloured regions.
"""
import argparse

from mmseg_textsup.datasets.benchmark_layouts import BENCHMARKS, write_benchmark_layouts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('data_dir', help="the folder standing in for the configs' 'data'")
    parser.add_argument('--benchmarks', nargs='+', default=list(BENCHMARKS), choices=list(BENCHMARKS))
    parser.add_argument('--images', type=int, default=2, help='images per dataset')
    parser.add_argument('--size', type=int, nargs=2, metavar=('H', 'W'), help="one image size instead of the real ones")
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    roots = write_benchmark_layouts(args.data_dir, args.benchmarks, args.images, args.seed,
                                    [tuple(args.size)] if args.size else None)
    for name, root in roots.items():
        print(f'{name}: {root}')


if __name__ == '__main__':
    main()
