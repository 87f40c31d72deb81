// The error under a form or a setting: announced when it appears (role="alert"), named by the field it belongs to
// through `id` (the field's aria-describedby), and nothing at all while there is none.
export function FormError({ error, id }: { error: string | null | undefined; id?: string }) {
  if (!error) return null;
  return (
    <p id={id} className="form-error" role="alert">
      {error}
    </p>
  );
}
