import type { FieldErrors, WizardForm } from './wizard-model.ts';

export interface StepProps {
  form: WizardForm;
  set: <K extends keyof WizardForm>(key: K, value: WizardForm[K]) => void;
  errors: FieldErrors;
  /** Show errors only once the user tried to go on. */
  showErrors: boolean;
}
