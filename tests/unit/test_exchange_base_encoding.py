"""The agreed hashes of a record are written as sorted JSON by a fast path; whatever the keys
and values, what it writes is what the JSON encoder writes."""

import json

import pytest

from zkdesk.exchange.apply import encode_base


@pytest.mark.parametrize("base", [
    {},
    {"name": "a1b2c3d4e5f6"},
    {"year": "0123456789ab", "name": "a1b2c3d4e5f6", "contact_phone": "k:" + "ab" * 12},
    {"b": "x", "a": "y"},  # the same keys in another order
    {"a": "y", "b": "x"},
    {"pct%": "50%", "d": "%s"},  # percent signs in keys and values
    {"quote": 'a"b', "back": "a\\b"},  # values that need escaping
    {'k"ey': "v"},  # a key that needs escaping
    {"ctrl": "a\nb", "uni": "南伞"},
    {"n": 1, "s": "t"},  # a value that is not text
    {"none": None},
])
def test_fast_encoding_is_the_json_encoders(base):
    expected = json.dumps(base, sort_keys=True, separators=(",", ":"))
    assert json.loads(encode_base(base)) == base
    if all(isinstance(v, str) and v.isascii() and v.isprintable() and '"' not in v and "\\" not in v for v in base.values()):
        assert encode_base(base) == expected
    assert encode_base(dict(base)) == encode_base(base)  # the second time, from what was made the first
