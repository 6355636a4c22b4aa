'use client';

import { useEffect, useRef } from 'react';

/** After a rejected submit, keyboard and screen-reader users land on the first field the API complained about. */
export function useFocusFirstInvalid<T>(failure: T | null) {
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (failure) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [failure]);
  return formRef;
}
