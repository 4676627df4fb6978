import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracekit import codes, gs1
from tracekit.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength


@pytest.fixture(scope="module")
def minter():
    return codes.CodeMinter(b"company-secret")


@pytest.fixture(scope="module")
def sample(minter):
    return minter.mint(200_000)


def test_codes_are_short_gs1_safe_and_never_collide(minter, sample):
    assert len(sample) == len(set(sample)) == 200_000
    assert all(len(code) == 20 for code in sample[:1000])
    assert set("".join(sample[:5000])) <= set(codes.ALPHABET)
    assert all(gs1.validate_serial(code) == code for code in sample[:100])


def test_every_code_verifies_and_codes_of_another_key_do_not(minter, sample):
    assert all(minter.verify(code) for code in sample[:20_000])
    other = codes.CodeMinter(b"someone-else")
    forged = sum(minter.verify(code) for code in other.mint(20_000))
    assert forged < 5  # 2^-20 per code: expected 0.02


@settings(max_examples=200)
@given(st.integers(0, 19), st.sampled_from(codes.ALPHABET), st.integers(0, 10**6))
def test_a_single_character_error_is_caught(position, char, seed):
    minter = codes.CodeMinter(b"company-secret", randbytes=random.Random(seed).randbytes)
    code = minter.mint(1)[0]
    wrong = code[:position] + char + code[position + 1 :]
    assert minter.verify(wrong) == (wrong == code)


def test_forged_code_raises_a_typed_error(minter):
    code = minter.mint(1)[0]
    forged = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(InvalidChecksum) as info:
        minter.validate(forged)
    assert info.value.kind == "forged"
    with pytest.raises(InvalidLength):
        minter.validate(code[:-2])
    with pytest.raises(InvalidFormat):
        minter.validate(code[:-1] + "U")


def test_typed_codes_are_normalised(minter):
    code = minter.mint(1)[0]
    typed = "-".join(code[i : i + 4] for i in range(0, 20, 4)).lower().replace("0", "o").replace("1", "l")
    assert codes.normalize(typed) == code
    assert minter.validate(typed) == code


def test_minting_is_deterministic_with_an_injected_random_source():
    a = codes.CodeMinter(b"k", randbytes=random.Random(3).randbytes).mint(5)
    b = codes.CodeMinter(b"k", randbytes=random.Random(3).randbytes).mint(5)
    assert a == b


def test_collisions_inside_one_call_are_drawn_again():
    stream = random.Random(1)
    calls = []

    def repeating(n):
        calls.append(n)
        return bytes([7]) * n if len(calls) == 1 else stream.randbytes(n)

    minted = codes.CodeMinter(randbytes=repeating).mint(3)
    assert len(set(minted)) == 3


def test_guess_probability():
    minter = codes.CodeMinter(b"k")
    p = minter.guess_probability(10**9)
    assert p < 1e-21
    assert minter.guess_probability(10**9, guesses=10**6) > p
    assert codes.CodeMinter().guess_probability(10**9) > p  # no check segment: easier to guess
    assert codes.guess_probability(2**80, 80) == 1.0


def test_weak_or_long_codes_are_refused():
    with pytest.raises(InvalidComponent):
        codes.CodeMinter(random_chars=15)
    with pytest.raises(InvalidLength):
        codes.CodeMinter(b"k", random_chars=16, check_chars=5)
    with pytest.raises(InvalidComponent):
        codes.CodeMinter().mint(0)


def test_check_segment_is_the_first_bits_of_hmac_sha256_of_the_random_part():
    import hmac

    for check_chars in (1, 2, 3, 4):
        minter = codes.CodeMinter(b"k" * 80, check_chars=check_chars, randbytes=random.Random(check_chars).randbytes)
        for code in minter.mint(500):
            mac = hmac.digest(b"k" * 80, code[:16].encode(), "sha256")
            bits = format(int.from_bytes(mac[:5], "big"), "040b")[: 5 * check_chars]
            expected = "".join(codes.ALPHABET[int(bits[i : i + 5], 2)] for i in range(0, len(bits), 5))
            assert code[16:] == expected


def test_without_a_secret_only_length_and_alphabet_are_checked():
    minter = codes.CodeMinter()
    assert (minter.length, minter.check_bits, minter.random_bits) == (16, 0, 80)
    assert minter.verify("0123456789ABCDEF")
    assert not minter.verify("0123456789ABCDE")
    assert not minter.verify("0123456789ABCDEU")


def test_other_sizes_mint_and_verify():
    minter = codes.CodeMinter(b"k", random_chars=17, check_chars=3)
    minted = minter.mint(2_000)
    assert {len(code) for code in minted} == {20}
    assert all(minter.verify(code) for code in minted)
    assert minter.random_bits == 85 and minter.check_bits == 15


def test_an_empty_secret_or_a_bad_count_is_refused():
    with pytest.raises(InvalidLength):
        codes.CodeMinter(b"")
    for n in (-1, 1.5, True):
        with pytest.raises(ValueError):
            codes.CodeMinter().mint(n)


def test_normalize_reports_the_character_outside_the_alphabet():
    with pytest.raises(InvalidFormat) as info:
        codes.normalize("ab-cu")
    assert info.value.found == "'U' at position 4"
    assert codes.normalize(" o i l ") == "011"


@settings(max_examples=50)
@given(st.integers(1, 10**12), st.integers(1, 10**12), st.integers(1, 10**6))
def test_guess_probability_grows_with_codes_issued_and_guesses(issued, more, guesses):
    p = codes.guess_probability(issued, 80, 20, guesses)
    assert 0 < p <= codes.guess_probability(issued + more, 80, 20, guesses)
    assert p <= codes.guess_probability(issued, 80, 20, guesses + more)
    assert p <= guesses * issued / 2**100 * (1 + 1e-9)


def test_guess_probability_values():
    assert codes.guess_probability(0, 80) == 0.0
    assert codes.guess_probability(2**79, 80) == pytest.approx(0.5)
    assert codes.guess_probability(10**9, 80, 20) == pytest.approx(10**9 / 2**100)
    with pytest.raises(ValueError):
        codes.guess_probability(-1, 80)
