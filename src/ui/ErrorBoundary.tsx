// A render crash becomes one red line and exit 2, never a React stack on the operator's terminal.
import React from 'react';
import { Text } from 'ink';

interface Props {
  onCrash: (message: string) => void;
  children: React.ReactNode;
}

export class ErrorBoundary extends React.Component<Props, { message?: string }> {
  override state: { message?: string } = {};

  static getDerivedStateFromError(err: unknown) {
    return { message: (err instanceof Error ? err.message : String(err)).split('\n')[0] };
  }

  override componentDidCatch(err: unknown) {
    this.props.onCrash((err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'unknown error');
  }

  override render() {
    if (this.state.message !== undefined) {
      return <Text color="red">mcp-tunnel-triage: the wizard crashed: {this.state.message} (re-run with --debug, or use `diagnose`)</Text>;
    }
    return this.props.children;
  }
}
