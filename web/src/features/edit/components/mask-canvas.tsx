import { forwardRef, useImperativeHandle, useRef, type PointerEvent } from 'react';

export interface MaskCanvasHandle {
  /** Removes every stroke. */
  clear: () => void;
  /** The mask as the API takes it: a PNG of the image's size, transparent where painted; null when nothing is painted. */
  toMask: () => Promise<Blob | null>;
}

export interface MaskCanvasProps {
  /** The image's own size: the mask is painted (and sent) at it. */
  width: number;
  height: number;
  /** Brush diameter in image pixels. */
  brushSize: number;
  erasing: boolean;
  /** Called after each stroke with whether anything is painted. */
  onPaintedChange: (painted: boolean) => void;
}

function hasPaint(canvas: HTMLCanvasElement): boolean {
  const context = canvas.getContext('2d');
  if (!context) return false;
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
  return false;
}

/**
 * A canvas over the picture on which the user paints where the image may change. Strokes show
 * in translucent red; the mask sent is the inverse: opaque white, transparent where painted.
 */
export const MaskCanvas = forwardRef<MaskCanvasHandle, MaskCanvasProps>(function MaskCanvas(
  { width, height, brushSize, erasing, onPaintedChange },
  ref,
) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | null>(null);

  useImperativeHandle(ref, () => ({
    clear() {
      const canvas = canvasRef.current;
      canvas?.getContext('2d')?.clearRect(0, 0, width, height);
      onPaintedChange(false);
    },
    async toMask() {
      const painted = canvasRef.current;
      if (!painted || !hasPaint(painted)) return null;
      const mask = document.createElement('canvas');
      mask.width = width;
      mask.height = height;
      const context = mask.getContext('2d');
      if (!context) return null;
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, width, height);
      context.globalCompositeOperation = 'destination-out';
      context.drawImage(painted, 0, 0);
      return new Promise<Blob | null>((resolve) => mask.toBlob(resolve, 'image/png'));
    },
  }));

  // Pointer position in image pixels (the canvas is shown scaled to fit).
  const at = (event: PointerEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) / Math.max(1, box.width)) * width,
      y: ((event.clientY - box.top) / Math.max(1, box.height)) * height,
    };
  };

  const stroke = (to: { x: number; y: number }) => {
    const context = canvasRef.current?.getContext('2d');
    if (!context) return;
    const from = last.current ?? to;
    context.globalCompositeOperation = erasing ? 'destination-out' : 'source-over';
    context.strokeStyle = '#f43f5e';
    context.lineWidth = brushSize;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x + (from === to ? 0.01 : 0), to.y);
    context.stroke();
    last.current = to;
  };

  return (
    <canvas
      ref={canvasRef}
      width={width}
      height={height}
      aria-label="Mask: paint over the parts of the picture that may change"
      data-testid="mask-canvas"
      className="absolute inset-0 h-full w-full cursor-crosshair touch-none opacity-60"
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture?.(event.pointerId);
        last.current = null;
        stroke(at(event));
      }}
      onPointerMove={(event) => {
        if (last.current) stroke(at(event));
      }}
      onPointerUp={() => {
        last.current = null;
        const canvas = canvasRef.current;
        onPaintedChange(canvas ? hasPaint(canvas) : false);
      }}
      onPointerCancel={() => {
        last.current = null;
      }}
    />
  );
});
