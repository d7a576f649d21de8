// The API's limits on passwords (src/auth/password.ts: 10 to 200 characters).
export const NEW_PASSWORD_LIMITS = {
  new_password: { required: true, minLength: 10, maxLength: 200 },
  password_again: { required: true, maxLength: 200 },
};
