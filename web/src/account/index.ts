// Account pages' public face: a person's password (change, forgotten, reset) and the installation
// admin's agencies and people. Other folders import from here only.
export { AccountPage } from "./change-password";
export { ForgotPasswordPage, ResetPasswordPage } from "./password-reset";
export { AgenciesPage } from "./agencies";
