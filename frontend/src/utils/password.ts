/** The server's password rule (auth/password.rs): 8–128 characters with a letter and a digit. */
export type PasswordProblem = 'tooShort' | 'tooLong' | 'weak'

export function passwordProblem(password: string): PasswordProblem | null {
  const length = [...password].length
  if (length < 8) return 'tooShort'
  if (length > 128) return 'tooLong'
  if (!/\p{L}/u.test(password) || !/\d/.test(password)) return 'weak'
  return null
}
