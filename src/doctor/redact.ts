/** Last line of defence against printing key material: the project-wide redaction, under the doctor's name. */
export { redact as redactSecrets } from '../redact.js';
