import { fireEvent, render, screen } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { MIN_PASSWORD_LENGTH } from '../../lib/protocol';
import { generatePassword } from '../generate-password';
import { OPEN_SHARE, SettingsFields } from '../share-form';

describe('a generated password (issue 9: one click to a strong one)', () => {
  it('is 16 random letters and digits in groups of four, long enough for the host', () => {
    const password = generatePassword();
    expect(password).toMatch(/^[a-km-z2-9]{4}(-[a-km-z2-9]{4}){3}$/);
    expect(password.length).toBeGreaterThanOrEqual(MIN_PASSWORD_LENGTH);
    expect(new Set(Array.from({ length: 50 }, () => generatePassword())).size).toBe(50);
  });

  it('takes every letter from the random bytes, evenly', () => {
    expect(generatePassword((bytes) => bytes.fill(0))).toBe('aaaa-aaaa-aaaa-aaaa');
    expect(generatePassword((bytes) => bytes.fill(255))).toBe('9999-9999-9999-9999');
  });

  it('fills the password field before sharing with one click', () => {
    const onChange = vi.fn();
    render(<SettingsFields chosen={OPEN_SHARE} onChange={onChange} />);
    fireEvent.click(screen.getByRole('button', { name: 'Generate a strong password' }));
    expect(onChange).toHaveBeenCalledWith({ ...OPEN_SHARE, password: expect.stringMatching(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/) });
  });
});
