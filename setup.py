"""Install mmseg_textsup: an MMSegmentation 1.x plugin for text-supervised segmentation."""
import os.path as osp
import re

from setuptools import find_packages, setup

HERE = osp.dirname(osp.abspath(__file__))


def read_version():
    with open(osp.join(HERE, 'mmseg_textsup', 'version.py')) as f:
        return re.search(r"__version__ = '([^']+)'", f.read()).group(1)


def read_requirements(name):
    """Requirement lines of ``requirements/{name}.txt`` (comments dropped)."""
    with open(osp.join(HERE, 'requirements', f'{name}.txt')) as f:
        lines = [line.split('#')[0].strip() for line in f]
    return [line for line in lines if line and not line.startswith('-')]


setup(
    name='mmseg_textsup',
    version=read_version(),
    description=('MaskCLIP(+), CLIP-ES, SegCLIP, SimSeg, S-Seg(+) and the training-free SCLIP, ClearCLIP, NACLIP, '
                 'ProxyCLIP, ResCLIP, SC-CLIP and PEARL as MMSegmentation 1.x configs'),
    long_description=open(osp.join(HERE, 'README.md')).read(),
    long_description_content_type='text/markdown',
    python_requires='>=3.9',
    packages=find_packages(exclude=('tests', 'tests.*', 'tools', 'configs')),
    package_data={'mmseg_textsup': ['vocabularies/*.txt', 'models/clip/model_configs/*.json']},
    install_requires=read_requirements('runtime') + read_requirements('mminstall'),
    extras_require={
        'tests': read_requirements('tests'),
        'optional': read_requirements('optional'),
        'demo': read_requirements('demo'),
    },
    zip_safe=False,
)
