import json
import subprocess
import sys

import cv2
import numpy as np
import pytest
from conftest import REPO_ROOT

pytestmark = pytest.mark.slow  # every test here starts subprocesses


def _coco(tmp_path):
    categories = [{'id': cid, 'name': f'c{cid}'} for cid in list(range(1, 12)) + list(range(13, 82))][:80]
    images = [{'id': 1, 'file_name': 'a.jpg', 'height': 10, 'width': 12},
              {'id': 2, 'file_name': 'b.jpg', 'height': 6, 'width': 4}]
    big = {'id': 10, 'image_id': 1, 'category_id': 1, 'iscrowd': 0, 'area': 80,
           'segmentation': [[0, 0, 9, 0, 9, 7, 0, 7]]}
    small = {'id': 11, 'image_id': 1, 'category_id': 13, 'iscrowd': 0, 'area': 4,
             'segmentation': [[2, 2, 3, 2, 3, 3, 2, 3]]}
    # crowd RLE on image 2: column-major runs, first 6 pixels (column 0) background, next 6 set
    crowd = {'id': 12, 'image_id': 2, 'category_id': 81, 'iscrowd': 1, 'area': 6,
             'segmentation': {'size': [6, 4], 'counts': [6, 6, 12]}}
    path = tmp_path / 'instances.json'
    path.write_text(json.dumps({'images': images, 'annotations': [small, big, crowd], 'categories': categories}))
    return path


def test_converter_merges_instances_per_class(tmp_path):
    ann = _coco(tmp_path)
    out = tmp_path / 'out'
    proc = subprocess.run([sys.executable, 'tools/dataset_converters/coco_object.py', str(ann), str(out)],
                          cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    a = cv2.imread(str(out / 'a.png'), cv2.IMREAD_UNCHANGED)
    assert a.shape == (10, 12)
    assert a[5, 5] == 1 and a[9, 11] == 0  # big object (category 1 -> label 1), background
    assert a[2, 2] == 12  # category 13 is the 12th id (12 is not a COCO id); painted on top
    b = cv2.imread(str(out / 'b.png'), cv2.IMREAD_UNCHANGED)
    assert (b[:, 0] == 0).all() and (b[:, 1] == 80).all() and (b[:, 2:] == 0).all()


def test_converter_names_missing_file(tmp_path):
    proc = subprocess.run([sys.executable, 'tools/dataset_converters/coco_object.py', str(tmp_path / 'x.json'),
                           str(tmp_path)], cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode != 0 and 'x.json' in proc.stderr


def test_stuffthingmaps_become_coco_object_as_simseg_builds_it(tmp_path):
    """Thing values (category id - 1) -> 1-80 in category order; stuff and unlabelled -> 0."""
    src = tmp_path / 'stuffthingmaps'
    src.mkdir()
    label = np.array([[0, 10, 12, 89], [90, 91, 181, 255]], np.uint8)  # person, id 11, id 13, id 90, stuff...
    cv2.imwrite(str(src / '000000000139.png'), label)
    cv2.imwrite(str(src / '000000000139_labelTrainIds.png'), label)  # an earlier conversion: skipped
    out = tmp_path / 'out'
    proc = subprocess.run([sys.executable, 'tools/dataset_converters/coco_object_from_stuffthingmaps.py', str(src),
                           str(out)], cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ['000000000139.png']
    converted = cv2.imread(str(out / '000000000139.png'), cv2.IMREAD_UNCHANGED)
    np.testing.assert_array_equal(converted, [[1, 11, 12, 80], [0, 0, 0, 0]])
    proc = subprocess.run([sys.executable, 'tools/dataset_converters/coco_object_from_stuffthingmaps.py',
                           str(tmp_path / 'nope'), str(out)], cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode != 0 and 'nope' in proc.stderr
