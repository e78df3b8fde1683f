/**
 * A button that picks one file (an import's first step): the input stays for the keyboard and
 * screen readers, visually hidden inside its label, and is emptied after each pick so the same
 * file can be picked again.
 */
export function FileButton(props: { label: string; accept: string; testId: string; onFile: (file: File) => void }) {
  return (
    <label class="button file-button">
      {props.label}
      <input
        type="file"
        accept={props.accept}
        class="visually-hidden"
        data-testid={props.testId}
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          event.currentTarget.value = '';
          if (file !== undefined) props.onFile(file);
        }}
      />
    </label>
  );
}
