// Organisation verification for agency staff: the queue of submitted organisations and the review page.
export { VERIFICATION_PATH, VerificationQueuePage } from "./verification-queue";
